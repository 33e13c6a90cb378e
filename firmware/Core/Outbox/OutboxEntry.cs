namespace Eldercare.Firmware.Core.Outbox
{
    /// <summary>One stored, not yet acknowledged event: where it lives and what it is.</summary>
    public sealed class OutboxEntry
    {
        public OutboxEntry(string blobName, bool isAlarm, int bootEpoch, int sequence, string type)
        {
            BlobName = blobName;
            IsAlarm = isAlarm;
            BootEpoch = bootEpoch;
            Sequence = sequence;
            Type = type;
        }

        public string BlobName { get; private set; }

        public bool IsAlarm { get; private set; }

        public int BootEpoch { get; private set; }

        public int Sequence { get; private set; }

        public string Type { get; private set; }

        /// <summary>Order of creation on this device: boot epoch first, then sequence.</summary>
        public bool IsBefore(OutboxEntry other)
        {
            if (BootEpoch != other.BootEpoch)
            {
                return BootEpoch < other.BootEpoch;
            }

            return Sequence < other.Sequence;
        }
    }
}
