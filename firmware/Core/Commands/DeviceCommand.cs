namespace Eldercare.Firmware.Core.Commands
{
    /// <summary>
    /// One downlink on the device's command topic (<see cref="Events.Topics.Commands"/>), as decoded by
    /// <see cref="CommandCodec"/>. Wire format v1, docs/wire-format.md "Commands".
    /// </summary>
    public sealed class DeviceCommand
    {
        public DeviceCommand(string name, string reference, long timestampUnixMilliseconds, string by)
        {
            Name = name;
            Reference = reference;
            TimestampUnixMilliseconds = timestampUnixMilliseconds;
            By = by;
        }

        /// <summary>What to do: <see cref="CommandNames.Ack"/>.</summary>
        public string Name { get; private set; }

        /// <summary>For an acknowledgement: the id of the event acknowledged (deviceId:bootEpoch:seq).</summary>
        public string Reference { get; private set; }

        /// <summary>When the person acknowledged it (Unix ms, the platform's or the console's clock).</summary>
        public long TimestampUnixMilliseconds { get; private set; }

        /// <summary>Who acknowledged, as a role ("center", "platform"), never a person's name; or null.</summary>
        public string By { get; private set; }
    }
}
