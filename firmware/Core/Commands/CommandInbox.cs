using Eldercare.Firmware.Core.Events;

namespace Eldercare.Firmware.Core.Commands
{
    /// <summary>
    /// What every device does with a downlink before acting on it: only its own command topic, a command that decodes,
    /// an acknowledgement of one of its own events or a configuration. Anything else is counted with its reason and
    /// dropped: a command can never raise or cancel an alarm. The MQTT thread is the only caller.
    /// </summary>
    public sealed class CommandInbox
    {
        private readonly string _deviceId;
        private readonly string _commandTopic;

        public CommandInbox(string deviceId)
        {
            _deviceId = deviceId;
            _commandTopic = Topics.Commands(deviceId);
        }

        /// <summary>Downlinks refused since start; <see cref="LastRejection"/> says why.</summary>
        public int Rejected { get; private set; }

        /// <summary>The reason and detail of the last refused downlink ("reason: detail"), or null.</summary>
        public string LastRejection { get; private set; }

        /// <summary>
        /// The command when it is valid and this device's (an acknowledgement of one of its events, or a configuration);
        /// null (counted, reason kept) for anything else.
        /// </summary>
        public DeviceCommand Accept(string topic, byte[] payload)
        {
            if (topic != _commandTopic)
            {
                return Reject(RejectReasons.TopicNotAllowed, "downlink on a topic that is not this device's command topic");
            }

            CommandDecodeResult result = CommandCodec.Decode(payload, payload == null ? 0 : payload.Length);
            if (!result.IsValid)
            {
                return Reject(result.Reason, result.Detail);
            }

            DeviceCommand command = result.Command;
            string deviceId;
            int bootEpoch, sequence;
            if (command.Name == CommandNames.Ack
                && (!CommandCodec.TryParseEventId(command.Reference, out deviceId, out bootEpoch, out sequence) || deviceId != _deviceId))
            {
                return Reject(RejectReasons.DeviceMismatch, "acknowledgement of another device's event");
            }

            return command;
        }

        private DeviceCommand Reject(string reason, string detail)
        {
            Rejected++;
            LastRejection = reason + ": " + detail;
            return null;
        }
    }
}
