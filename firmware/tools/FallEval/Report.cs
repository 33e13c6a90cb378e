using System.Globalization;

namespace Eldercare.Firmware.Tools.FallEval;

/// <summary>Prints the per-activity, per-age-group and per-subject tables and the latency figures.</summary>
public static class Report
{
    public sealed record Summary(double Sensitivity, double Specificity, int Trials, double MedianLatencySeconds, double P95LatencySeconds)
    {
        /// <summary>The slowest detected fall (the 2 s bound applies to every alarm).</summary>
        public double MaxLatencySeconds { get; init; }

        /// <summary>Detected falls slower than 2 s.</summary>
        public int OverTwoSeconds { get; init; }
    }

    public static Summary Summarise(IReadOnlyList<TrialResult> results)
    {
        int falls = results.Count(r => r.Trial.IsFall);
        int detected = results.Count(r => r.Trial.IsFall && r.Fired);
        int adls = results.Count - falls;
        int alarms = results.Count(r => !r.Trial.IsFall && r.Fired);
        var latencies = results.Where(r => r.Trial.IsFall && r.Fired).Select(r => r.LatencySeconds).Order().ToList();
        return new Summary(
            falls == 0 ? 1 : detected / (double)falls,
            adls == 0 ? 1 : 1 - (alarms / (double)adls),
            results.Count,
            Percentile(latencies, 0.5),
            Percentile(latencies, 0.95))
        {
            MaxLatencySeconds = latencies.Count == 0 ? 0 : latencies[^1],
            OverTwoSeconds = latencies.Count(l => l > 2.0 + 1e-9),
        };
    }

    public static string LastLine(Summary s) => string.Create(
        CultureInfo.InvariantCulture, $"sensitivity={s.Sensitivity:F4} specificity={s.Specificity:F4} trials={s.Trials}");

    public static void Print(TextWriter output, string title, IReadOnlyList<TrialResult> results, bool listFalseAlarms)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine($"== {title} ==");
        output.WriteLine(string.Create(c, $"{"activity",-28} {"label",-5} {"trials",6} {"alarms",6} {"rate",7}"));
        foreach (var group in results.GroupBy(r => (r.Trial.Activity, r.Trial.IsFall)).OrderBy(g => g.Key.IsFall).ThenBy(g => g.Key.Activity, StringComparer.Ordinal))
        {
            int n = group.Count();
            int fired = group.Count(r => r.Fired);
            output.WriteLine(string.Create(c, $"{group.Key.Activity,-28} {(group.Key.IsFall ? "fall" : "adl"),-5} {n,6} {fired,6} {fired / (double)n,7:F3}"));
        }

        output.WriteLine(string.Create(c, $"{"group",-10} {"falls",6} {"sens",7} {"adl",6} {"spec",7}"));
        foreach (var group in results.GroupBy(r => r.Trial.AgeGroup).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            PrintGroupLine(output, group.Key, [.. group]);
        }

        output.WriteLine("per subject:");
        foreach (var group in results.GroupBy(r => r.Trial.Subject).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            PrintGroupLine(output, group.Key, [.. group]);
        }

        Summary s = Summarise(results);
        int latencyCount = results.Count(r => r.Trial.IsFall && r.Fired);
        output.WriteLine(string.Create(c, $"latency after the trial's peak |a| (detected falls, n={latencyCount}): median={s.MedianLatencySeconds:F2}s p95={s.P95LatencySeconds:F2}s max={s.MaxLatencySeconds:F2}s over_2s={s.OverTwoSeconds}{(Evaluator.BatchMilliseconds > 0 ? $" (batched: FIFO read every {Evaluator.BatchMilliseconds} ms, every {Evaluator.TickMilliseconds} ms tick for {new Eldercare.Firmware.Core.Apps.WearableOptions("eval").AccelerometerFollowMilliseconds} ms after |a| >= the impact threshold)" : "")}"));
        output.WriteLine("false alarms by activity: " + Counts(results.Where(r => !r.Trial.IsFall && r.Fired)));
        output.WriteLine("missed falls by activity: " + Counts(results.Where(r => r.Trial.IsFall && !r.Fired)));
        if (listFalseAlarms)
        {
            foreach (var r in results.Where(r => r.Trial.IsFall != r.Fired || r.FirstDescription.StartsWith("trigger=posture", StringComparison.Ordinal)))
            {
                double peak = Math.Sqrt(((double)r.Trial.X[r.Trial.PeakIndex] * r.Trial.X[r.Trial.PeakIndex]) + ((double)r.Trial.Y[r.Trial.PeakIndex] * r.Trial.Y[r.Trial.PeakIndex]) + ((double)r.Trial.Z[r.Trial.PeakIndex] * r.Trial.Z[r.Trial.PeakIndex])) / 1000;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {(r.Trial.IsFall ? (r.Fired ? "detected" : "missed") : "false alarm")} {r.Trial.File} trial-peak={peak:F2}g {r.FirstDescription}"));
            }
        }
    }

    private static void PrintGroupLine(TextWriter output, string name, List<TrialResult> group)
    {
        int falls = group.Count(r => r.Trial.IsFall);
        int adls = group.Count - falls;
        Summary s = Summarise(group);
        string sens = falls == 0 ? "-" : s.Sensitivity.ToString("F3", CultureInfo.InvariantCulture);
        string spec = adls == 0 ? "-" : s.Specificity.ToString("F3", CultureInfo.InvariantCulture);
        output.WriteLine($"{name,-10} {falls,6} {sens,7} {adls,6} {spec,7}");
    }

    private static string Counts(IEnumerable<TrialResult> results)
    {
        var parts = results.GroupBy(r => r.Trial.Activity).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key}={g.Count()}").ToList();
        return parts.Count == 0 ? "none" : string.Join(' ', parts);
    }

    private static double Percentile(List<double> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        double rank = p * (sorted.Count - 1);
        int low = (int)Math.Floor(rank);
        int high = (int)Math.Ceiling(rank);
        return sorted[low] + ((sorted[high] - sorted[low]) * (rank - low));
    }
}
