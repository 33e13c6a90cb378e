using Eldercare.Firmware.Core.Events;

namespace Eldercare.Firmware.Core.Commands
{
    /// <summary>
    /// What every device does with a downlink before acting on it: only its own command topic, a command that decodes,
    /// an acknowledgement of one of its own events. Anything else is counted with its reason and dropped: a command
    /// can never raise or cancel anything. Thread-safe enough for its use: the MQTT thread is the only caller.
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
        /// True for a valid acknowledgement of one of this device's events, with that event's boot epoch and seq;
        /// false (counted, reason kept) for anything else.
        /// </summary>
        public bool TryAcceptAcknowledgement(string topic, byte[] payload, out int bootEpoch, out int sequence)
        {
            bootEpoch = 0;
            sequence = 0;
            if (topic != _commandTopic)
            {
                return Reject(RejectReasons.TopicNotAllowed, "downlink on a topic that is not this device's command topic");
            }

            CommandDecodeResult result = CommandCodec.Decode(payload, payload == null ? 0 : payload.Length);
            if (!result.IsValid)
            {
                return Reject(result.Reason, result.Detail);
            }

            string deviceId;
            CommandCodec.TryParseEventId(result.Command.Reference, out deviceId, out bootEpoch, out sequence);
            if (deviceId != _deviceId)
            {
                return Reject(RejectReasons.DeviceMismatch, "acknowledgement of another device's event");
            }

            return true;
        }

        private bool Reject(string reason, string detail)
        {
            Rejected++;
            LastRejection = reason + ": " + detail;
            return false;
        }
    }
}
