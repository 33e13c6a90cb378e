using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Outbox;
using Eldercare.Firmware.Core.Sos;

namespace Eldercare.Firmware.Core.Kiosk
{
    /// <summary>Settings of a community kiosk (社区便民服务一体机), validated once at start.</summary>
    public sealed class KioskOptions
    {
        public KioskOptions(string deviceId)
        {
            DeviceId = deviceId;
            SessionSeconds = 60;
            HeartbeatIntervalSeconds = 60;
            AckTimeoutMilliseconds = 5000;
            CardPollMilliseconds = 100;
            FirmwareVersion = Identity.FirmwareRelease.Version;
            SosButton = new SosButtonOptions();
            Outbox = new OutboxOptions();
        }

        public string DeviceId { get; private set; }

        /// <summary>How long a card tap keeps the kiosk's session open (from the last tap or request).</summary>
        public int SessionSeconds { get; set; }

        public int HeartbeatIntervalSeconds { get; set; }

        /// <summary>No PUBACK within this time: send the event again (same id).</summary>
        public int AckTimeoutMilliseconds { get; set; }

        /// <summary>How often the card reader is asked for a card (an RC522 answers a poll in a few ms).</summary>
        public int CardPollMilliseconds { get; set; }

        /// <summary>The big SOS button: held this long to raise SOS, so a bump does not.</summary>
        /// <summary>Sent in heartbeats as <c>fw</c>: 1-24 of 0-9, a-z, A-Z, '.', '-', '+'.</summary>
        public string FirmwareVersion { get; set; }

        public SosButtonOptions SosButton { get; private set; }

        public OutboxOptions Outbox { get; private set; }

        /// <summary>Null when valid, else the first problem in words.</summary>
        public string Validate()
        {
            if (!EventCodec.IsValidDeviceId(DeviceId))
            {
                return "DeviceId must be 1-32 of a-z, 0-9, '-'";
            }

            if (SessionSeconds < 5 || SessionSeconds > 600)
            {
                return "SessionSeconds must be 5..600";
            }

            if (HeartbeatIntervalSeconds < 1 || HeartbeatIntervalSeconds > 86400)
            {
                return "HeartbeatIntervalSeconds must be 1..86400";
            }

            if (AckTimeoutMilliseconds < 100 || AckTimeoutMilliseconds > 120000)
            {
                return "AckTimeoutMilliseconds must be 100..120000";
            }

            if (CardPollMilliseconds < 20 || CardPollMilliseconds > 2000)
            {
                return "CardPollMilliseconds must be 20..2000";
            }

            if (!HeartbeatFields.IsValidFirmwareVersion(FirmwareVersion))
            {
                return "FirmwareVersion must be 1-24 of 0-9, a-z, A-Z, '.', '-', '+'";
            }

            string problem = SosButton.Validate();
            return problem != null ? problem : Outbox.Validate();
        }
    }
}
