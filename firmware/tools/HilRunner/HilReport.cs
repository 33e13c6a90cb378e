using System.Globalization;

namespace Eldercare.Firmware.Tools.HilRunner;

/// <summary>One replayed trial and what the gateway saw; the delay is from the device's read of the trial's peak (impact) sample to the gateway's receive time of the fall event.</summary>
public sealed record TrialOutcome(string File, bool IsFall, int SamplesSent, bool Detected, long? DetectionDelayMilliseconds);

/// <summary>What a HIL run found: detections per trial, SOS latency from press to the gateway's receive time.</summary>
public sealed class HilReport
{
    public List<TrialOutcome> Trials { get; } = [];

    /// <summary>Press (serial command written or GPIO line driven) to the gateway's receive time of the sos event, ms.</summary>
    public List<long> SosLatenciesMilliseconds { get; } = [];

    public int SosMissed { get; set; }

    public int GnssSentencesSent { get; set; }

    /// <summary>The device's own counters after the run (its STAT line).</summary>
    public string DeviceStatus { get; set; } = "";

    public List<string> DeviceErrors { get; } = [];

    public int Detected => Trials.Count(t => t.IsFall && t.Detected);

    public int Falls => Trials.Count(t => t.IsFall);

    public int FalseAlarms => Trials.Count(t => !t.IsFall && t.Detected);

    /// <summary>Nearest-rank percentile of the SOS latencies, or null when there are none.</summary>
    public long? SosPercentile(int percent)
    {
        if (SosLatenciesMilliseconds.Count == 0)
        {
            return null;
        }

        long[] sorted = [.. SosLatenciesMilliseconds.Order()];
        int rank = (int)Math.Ceiling(percent / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    /// <summary>The summary line: <c>hil: trials=N detected=M/F false_alarms=K sos=P missed=Q sos_latency_ms p50=.. p99=..</c>.</summary>
    public string Summary()
    {
        string p50 = SosPercentile(50)?.ToString(CultureInfo.InvariantCulture) ?? "n/a";
        string p99 = SosPercentile(99)?.ToString(CultureInfo.InvariantCulture) ?? "n/a";
        return string.Create(CultureInfo.InvariantCulture,
            $"hil: trials={Trials.Count} detected={Detected}/{Falls} false_alarms={FalseAlarms} sos={SosLatenciesMilliseconds.Count} missed={SosMissed} gnss_sentences={GnssSentencesSent} sos_latency_ms p50={p50} p99={p99}");
    }
}
