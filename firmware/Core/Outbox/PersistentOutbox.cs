using System.Collections;
using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Hardware;

namespace Eldercare.Firmware.Core.Outbox
{
    /// <summary>
    /// Events waiting for the gateway's PUBACK, one blob each on flash, so they survive a
    /// reboot or a flat battery with their original ids (DESIGN.md invariant 1: a device
    /// deletes an event only after the PUBACK).
    /// Bounded: when full, the oldest telemetry goes first; an alarm or a service request (a kiosk's
    /// 六助 request, a check-in) is never dropped to make room (it is refused only when the whole capacity
    /// is alarms and service events, and counted). Alarms are handed out first, then service events,
    /// then telemetry (the gateway's lane order); within a lane, oldest first.
    /// Thread-safe: the app thread enqueues, the MQTT thread acknowledges.
    /// </summary>
    public sealed class PersistentOutbox
    {
        public const string BlobPrefix = "ob";

        private readonly IStorage _storage;
        private readonly OutboxOptions _options;
        private readonly object _lock = new object();
        private readonly ArrayList _alarms = new ArrayList();
        private readonly ArrayList _service = new ArrayList();
        private readonly ArrayList _telemetry = new ArrayList();

        public PersistentOutbox(IStorage storage, OutboxOptions options)
        {
            _storage = storage;
            _options = options;
        }

        /// <summary>Telemetry evicted to make room, since start.</summary>
        public int DroppedTelemetryCount { get; private set; }

        /// <summary>Alarms refused because the whole outbox held alarms and service events, since start.</summary>
        public int RefusedAlarmCount { get; private set; }

        /// <summary>Service events refused because the whole outbox held alarms and service events, since start.</summary>
        public int RefusedServiceCount { get; private set; }

        /// <summary>Blobs found unreadable or undecodable and removed, since start.</summary>
        public int CorruptCount { get; private set; }

        /// <summary>Writes that failed (flash full or worn), since start.</summary>
        public int WriteFailureCount { get; private set; }

        public int Count
        {
            get
            {
                lock (_lock)
                {
                    return _alarms.Count + _service.Count + _telemetry.Count;
                }
            }
        }

        public int AlarmCount
        {
            get
            {
                lock (_lock)
                {
                    return _alarms.Count;
                }
            }
        }

        /// <summary>Reloads what a previous run left behind. Call once at start.</summary>
        public void Load()
        {
            lock (_lock)
            {
                _alarms.Clear();
                _service.Clear();
                _telemetry.Clear();
                string[] names = _storage.List(BlobPrefix);
                for (int i = 0; i < names.Length; i++)
                {
                    byte[] data;
                    DecodeResult decoded = null;
                    if (_storage.TryRead(names[i], out data))
                    {
                        decoded = EventCodec.Decode(data);
                    }

                    if (decoded == null || !decoded.Ok)
                    {
                        // A blob torn by a power cut during its first write; its event was
                        // never acknowledged to anyone. Remove it so it cannot jam the queue.
                        _storage.Delete(names[i]);
                        CorruptCount++;
                        continue;
                    }

                    DeviceEvent e = decoded.Event;
                    InsertSorted(ListOf(e.Type), new OutboxEntry(names[i], e.IsAlarm, e.BootEpoch, e.Sequence, e.Type));
                }
            }
        }

        /// <summary>
        /// Stores an event durably. False if it could not be kept: an alarm when the
        /// outbox holds only alarms, or a failed flash write; the caller tells the elder.
        /// </summary>
        public bool Enqueue(DeviceEvent e)
        {
            byte[] payload = EventCodec.Encode(e);
            string name = BlobNameOf(e);
            lock (_lock)
            {
                ArrayList list = ListOf(e.Type);
                if (list == _telemetry && _telemetry.Count >= _options.TelemetryQuota)
                {
                    EvictOldestTelemetry();
                }

                if (_alarms.Count + _service.Count + _telemetry.Count >= _options.Capacity)
                {
                    if (_telemetry.Count == 0)
                    {
                        if (list == _service)
                        {
                            RefusedServiceCount++;
                        }
                        else
                        {
                            RefusedAlarmCount++; // as before service events: any refusal of an outbox full of alarms
                        }

                        return false;
                    }

                    EvictOldestTelemetry();
                }

                if (!_storage.TryWrite(name, payload))
                {
                    WriteFailureCount++;
                    return false;
                }

                InsertSorted(list, new OutboxEntry(name, e.IsAlarm, e.BootEpoch, e.Sequence, e.Type));
                return true;
            }
        }

        /// <summary>The next event to send (oldest alarm, else oldest service event, else oldest telemetry), or null.</summary>
        public OutboxEntry PeekNext()
        {
            lock (_lock)
            {
                if (_alarms.Count > 0)
                {
                    return (OutboxEntry)_alarms[0];
                }

                if (_service.Count > 0)
                {
                    return (OutboxEntry)_service[0];
                }

                return _telemetry.Count > 0 ? (OutboxEntry)_telemetry[0] : null;
            }
        }

        /// <summary>The stored wire bytes of an entry, or null if the blob is gone or unreadable.</summary>
        public byte[] ReadPayload(OutboxEntry entry)
        {
            byte[] data;
            if (_storage.TryRead(entry.BlobName, out data))
            {
                return data;
            }

            return null;
        }

        /// <summary>Deletes an entry: only after its PUBACK, or when its blob is unreadable.</summary>
        public void Remove(OutboxEntry entry)
        {
            lock (_lock)
            {
                _storage.Delete(entry.BlobName);
                ListOf(entry.Type).Remove(entry);
            }
        }

        /// <summary>Removes an entry whose blob could not be read, counting it.</summary>
        public void Discard(OutboxEntry entry)
        {
            lock (_lock)
            {
                CorruptCount++;
            }

            Remove(entry);
        }

        /// <summary>Blob name: "ob" + lane (a, s, t) + boot and seq in 8 hex digits each: 20 chars, under SPIFFS' 32.</summary>
        public static string BlobNameOf(DeviceEvent e)
        {
            string lane = EventTypes.LaneOf(e.Type);
            string letter = lane == EventTypes.AlarmLane ? "a" : lane == EventTypes.ServiceLane ? "s" : "t";
            return BlobPrefix + letter + Hex8(e.BootEpoch) + Hex8(e.Sequence);
        }

        private ArrayList ListOf(string type)
        {
            string lane = EventTypes.LaneOf(type);
            return lane == EventTypes.AlarmLane ? _alarms : lane == EventTypes.ServiceLane ? _service : _telemetry;
        }

        private void EvictOldestTelemetry()
        {
            if (_telemetry.Count == 0)
            {
                return;
            }

            OutboxEntry oldest = (OutboxEntry)_telemetry[0];
            _storage.Delete(oldest.BlobName);
            _telemetry.RemoveAt(0);
            DroppedTelemetryCount++;
        }

        private static void InsertSorted(ArrayList list, OutboxEntry entry)
        {
            int index = list.Count;
            while (index > 0 && entry.IsBefore((OutboxEntry)list[index - 1]))
            {
                index--;
            }

            list.Insert(index, entry);
        }

        private static string Hex8(int value)
        {
            char[] digits = new char[8];
            uint v = (uint)value;
            for (int i = 7; i >= 0; i--)
            {
                uint nibble = v & 0xF;
                digits[i] = (char)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
                v = v >> 4;
            }

            return new string(digits);
        }
    }
}
