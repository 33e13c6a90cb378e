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
