namespace Eldercare.Firmware.Core.Commands
{
    /// <summary>
    /// One downlink on the device's command topic (<see cref="Events.Topics.Commands"/>), as decoded by
    /// <see cref="CommandCodec"/>: an acknowledgement (<see cref="Reference"/>) or a configuration (<see cref="Config"/>).
    /// Wire format v1, docs/wire-format.md "Commands".
    /// </summary>
    public sealed class DeviceCommand
    {
        /// <summary>An acknowledgement of the event <paramref name="reference"/> (already split into its boot and seq).</summary>
        public DeviceCommand(string name, string reference, long timestampUnixMilliseconds, string by, int referenceBootEpoch, int referenceSequence)
        {
            Name = name;
            Reference = reference;
            TimestampUnixMilliseconds = timestampUnixMilliseconds;
            By = by;
            ReferenceBootEpoch = referenceBootEpoch;
            ReferenceSequence = referenceSequence;
        }

        /// <summary>A configuration.</summary>
        public DeviceCommand(DeviceConfig config, long timestampUnixMilliseconds, string by)
        {
            Name = CommandNames.Config;
            Config = config;
            TimestampUnixMilliseconds = timestampUnixMilliseconds;
            By = by;
        }

        /// <summary>What to do: <see cref="CommandNames.Ack"/> or <see cref="CommandNames.Config"/>.</summary>
        public string Name { get; private set; }

        /// <summary>For an acknowledgement: the id of the event acknowledged (deviceId:bootEpoch:seq); null for a config.</summary>
        public string Reference { get; private set; }

        /// <summary>For an acknowledgement: the boot epoch of <see cref="Reference"/>.</summary>
        public int ReferenceBootEpoch { get; private set; }

        /// <summary>For an acknowledgement: the seq of <see cref="Reference"/>.</summary>
        public int ReferenceSequence { get; private set; }

        /// <summary>For a configuration: its version and settings; null for an acknowledgement.</summary>
        public DeviceConfig Config { get; private set; }

        /// <summary>When the person acknowledged it or the configuration was sent (Unix ms, the platform's or the console's clock).</summary>
        public long TimestampUnixMilliseconds { get; private set; }

        /// <summary>Who acknowledged, as a role ("center", "platform"), never a person's name; or null.</summary>
        public string By { get; private set; }
    }
}
