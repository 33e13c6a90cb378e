using System.Collections.Concurrent;
using Eldercare.Edge.Gateway.Store;
using Eldercare.Firmware.Core.Events;

namespace Eldercare.Edge.Gateway.Ingest;

/// <summary>
/// The highest (boot epoch, seq) seen from each device, per lane, kept in memory (a few ints per device) and
/// started from the store. It answers two questions before an event is stored:
/// <list type="bullet">
/// <item><b>Ahead</b>: is the event newer than anything this device sent, in any lane? Only such an alarm may take
/// the express path (posted upstream while its commit runs). An id at or below the mark may be a resend or a reused
/// id with another payload, and only the store can tell which: it goes through the store, which keeps a conflicting
/// payload under its derived id before anything is posted, so the gateway and the cloud never disagree on what an
/// id means (a device's outbox sends alarms before older telemetry, so a new alarm is always ahead).</item>
/// <item><b>Behind</b>: is its seq lower than one already seen from the same boot epoch in the same lane? A device
/// sends each lane in order, one publish at a time, so a new id there means its sequence went back (storage reset):
/// the event is kept and flagged <see cref="EventIdentity.SeqRegression"/> (a resend of an old id is a duplicate and
/// is not flagged).</item>
/// </list>
/// After a restart the marks come from pending events and the most recent rows (<see cref="ISequenceMarkSource.ReadSequenceMarks"/>);
/// an event forwarded long before is not among them, and the cloud's own rule (same id, other payload: derived id)
/// gives the same answer as the gateway's for it.
/// </summary>
public sealed class SequenceTracker
{
    private readonly ConcurrentDictionary<string, Marks> _devices = new(StringComparer.Ordinal);

    public readonly record struct Observation(bool Ahead, bool Behind);

    public void Load(IEnumerable<SequenceMark> marks)
    {
        foreach (var mark in marks)
        {
            var device = _devices.GetOrAdd(mark.DeviceId, _ => new Marks());
            lock (device)
            {
                device.Raise(mark.Lane, mark.BootEpoch, mark.Sequence);
            }
        }
    }

    /// <summary>Records the event as seen and tells where it stands against what was seen before it.</summary>
    public Observation Observe(string deviceId, string lane, int bootEpoch, int sequence)
    {
        var device = _devices.GetOrAdd(deviceId, _ => new Marks());
        lock (device)
        {
            var ahead = device.IsAboveEveryLane(bootEpoch, sequence);
            var (laneBoot, laneSeq) = device.Of(lane);
            var behind = bootEpoch == laneBoot && sequence < laneSeq;
            device.Raise(lane, bootEpoch, sequence);
            return new Observation(ahead, behind);
        }
    }

    private static bool IsAbove(int boot, int seq, int markBoot, int markSeq) => boot > markBoot || (boot == markBoot && seq > markSeq);

    /// <summary>
    /// One device's highest (boot, seq) per lane, for whichever lanes it sent in (lanes are data: alarm, service,
    /// telemetry today). Each lane is its own order: a service event sent before older heartbeats is not a regression.
    /// </summary>
    private sealed class Marks
    {
        private string[] _lanes = [];
        private int[] _boots = [];
        private int[] _seqs = [];

        public (int Boot, int Seq) Of(string lane)
        {
            var i = Array.IndexOf(_lanes, lane);
            return i < 0 ? (0, 0) : (_boots[i], _seqs[i]);
        }

        public bool IsAboveEveryLane(int boot, int seq)
        {
            for (var i = 0; i < _lanes.Length; i++)
            {
                if (!IsAbove(boot, seq, _boots[i], _seqs[i]))
                {
                    return false;
                }
            }

            return true;
        }

        public void Raise(string lane, int boot, int seq)
        {
            var i = Array.IndexOf(_lanes, lane);
            if (i < 0)
            {
                _lanes = [.. _lanes, lane];
                _boots = [.. _boots, boot];
                _seqs = [.. _seqs, seq];
                return;
            }

            if (IsAbove(boot, seq, _boots[i], _seqs[i]))
            {
                (_boots[i], _seqs[i]) = (boot, seq);
            }
        }
    }
}
