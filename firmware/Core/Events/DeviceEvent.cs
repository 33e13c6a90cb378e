namespace Eldercare.Firmware.Core.Events
{
    /// <summary>
    /// One event as the device makes it. Its identity, <see cref="Id"/>, is
    /// deviceId:bootEpoch:seq and nobody changes it: it is the dedup key at the gateway
    /// and at the cloud.
    /// </summary>
    public sealed class DeviceEvent
    {
        /// <summary>Marks an optional integer field as absent (no nullable value types on nanoFramework).</summary>
        public const int Absent = -1;

        /// <summary>Marks an absent coordinate: -1 microdegree is a real place, so coordinates use int.MinValue.</summary>
        public const int NoCoordinate = int.MinValue;

        /// <summary>Marks an absent signal strength: every int down to -127 dBm is a real reading.</summary>
        public const int NoSignal = int.MinValue;

        public const int CurrentVersion = 1;

        public DeviceEvent(string deviceId, int bootEpoch, int sequence, string type, long timestampUnixMilliseconds)
        {
            Version = CurrentVersion;
            DeviceId = deviceId;
            BootEpoch = bootEpoch;
            Sequence = sequence;
            Type = type;
            TimestampUnixMilliseconds = timestampUnixMilliseconds;
            BatteryPercent = Absent;
            ConfidencePerMille = Absent;
            ReferenceSequence = Absent;
            Info = null;
            Card = null;
            Service = null;
            Subject = null;
            LatitudeMicrodegrees = NoCoordinate;
            LongitudeMicrodegrees = NoCoordinate;
            HdopHundredths = Absent;
            Satellites = Absent;
            SignalDbm = NoSignal;
            FirmwareVersion = null;
            HeartbeatSeconds = Absent;
        }

        public int Version { get; set; }

        public string DeviceId { get; private set; }

        public int BootEpoch { get; private set; }

        public int Sequence { get; private set; }

        public string Type { get; private set; }

        public long TimestampUnixMilliseconds { get; private set; }

        /// <summary>0..100, or <see cref="Absent"/>.</summary>
        public int BatteryPercent { get; set; }

        /// <summary>Detector confidence 0..1000 (on the wire as 0.000..1.000), or <see cref="Absent"/>.</summary>
        public int ConfidencePerMille { get; set; }

        /// <summary>For a cancel: the sequence (same boot epoch) of the alarm it cancels, or <see cref="Absent"/>.</summary>
        public int ReferenceSequence { get; set; }

        /// <summary>Short free text (at most 200 chars), or null.</summary>
        public string Info { get; set; }

        /// <summary>A kiosk's card read: the card UID as upper-case hex (4, 7 or 10 bytes), or null. Personal data.</summary>
        public string Card { get; set; }

        /// <summary>For a service request: one of <see cref="ServiceCodes"/>, or null.</summary>
        public string Service { get; set; }

        /// <summary>
        /// On a gateway-made event (<see cref="EventTypes.IsGatewayMade"/>): the device it is about ("subj"), a valid
        /// device id; null on every other event. <see cref="DeviceId"/> is then the gateway's id, so the event keeps an
        /// identity of its own (gateway:boot:seq) that no device can collide with.
        /// </summary>
        public string Subject { get; set; }

        /// <summary>
        /// Position (geofence events): latitude in 1e-6 degree (0.11 m; on the wire "lat" with up to 6 decimals), or
        /// <see cref="NoCoordinate"/>. Six decimals are finer than any GNSS fix (metres) without pretending more.
        /// </summary>
        public int LatitudeMicrodegrees { get; set; }

        /// <summary>Longitude in 1e-6 degree ("lon"), or <see cref="NoCoordinate"/>; always set together with the latitude.</summary>
        public int LongitudeMicrodegrees { get; set; }

        /// <summary>HDOP of the fix x 100 ("hdop", 0..99.99 on the wire), or <see cref="Absent"/>: how much to trust the position.</summary>
        public int HdopHundredths { get; set; }

        /// <summary>Satellites used in the fix ("sats", 0..99), or <see cref="Absent"/>.</summary>
        public int Satellites { get; set; }

        /// <summary>Wi-Fi signal strength in dBm ("rssi", -127..0; heartbeats), or <see cref="NoSignal"/>.</summary>
        public int SignalDbm { get; set; }

        /// <summary>Firmware version ("fw", e.g. "1.4.0"; heartbeats), or null.</summary>
        public string FirmwareVersion { get; set; }

        /// <summary>
        /// The device's heartbeat period now ("hbs", seconds, 10..86400; heartbeats), or <see cref="Absent"/>: the one
        /// a configuration downlink set, so the gateway times this device's offline alarm from its own period.
        /// </summary>
        public int HeartbeatSeconds { get; set; }

        public bool HasPosition
        {
            get { return LatitudeMicrodegrees != NoCoordinate && LongitudeMicrodegrees != NoCoordinate; }
        }

        public string Id
        {
            get { return MakeId(DeviceId, BootEpoch, Sequence); }
        }

        public bool IsAlarm
        {
            get { return EventTypes.IsAlarm(Type); }
        }

        public static string MakeId(string deviceId, int bootEpoch, int sequence)
        {
            return deviceId + ":" + bootEpoch.ToString() + ":" + sequence.ToString();
        }
    }
}
