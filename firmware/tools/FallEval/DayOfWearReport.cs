using System.Globalization;
using Eldercare.Firmware.Core.Falls;

namespace Eldercare.Firmware.Tools.FallEval;

/// <summary>Runs and summarises the day-of-wear streams of held-out subjects (<see cref="DayOfWear"/>).</summary>
public static class DayOfWearReport
{
    /// <summary>One streamed day: its plan and where each false alarm's impact fell.</summary>
    public sealed record DayResult(DayPlan Plan, List<long> Impacts, int Fold);

    /// <summary>
    /// Plans and streams <paramref name="daysPerSubject"/> days for every subject of
    /// <paramref name="test"/> that has ADL trials, drawing only from <paramref name="test"/>.
    /// </summary>
    public static List<DayResult> Run(IReadOnlyList<Trial> test, FallDetectorOptions options, int daysPerSubject, int seed, int fold)
    {
        List<Trial> pool = [.. test.Where(t => !t.IsFall)];
        string[] subjects = [.. pool.Select(t => t.Subject).Distinct().Order(StringComparer.Ordinal)];
        var jobs = subjects.SelectMany(s => Enumerable.Range(0, daysPerSubject).Select(d => (Subject: s, Day: d))).ToArray();
        var results = new DayResult[jobs.Length];
        Parallel.For(0, jobs.Length, i =>
        {
            DayPlan plan = DayOfWear.Build(pool, jobs[i].Subject, DaySeed(seed, jobs[i].Subject, jobs[i].Day));
            results[i] = new DayResult(plan, DayOfWear.Run(plan, Candidates.Copy(options)), fold);
        });
        return [.. results];
    }

    /// <summary>One held-out fall streamed inside its subject's day (<see cref="DayOfWear.WithFallAfter"/>).</summary>
    public sealed record FallInDay(Trial Fall, bool Detected, long LagSamples, long ContextSamples);

    /// <summary>
    /// Every fall of <paramref name="test"/> inside one of its subject's days (built from the
    /// test fold's ADL recordings only), streamed through a fresh detector: detected when an
    /// alarm's impact lies in the fall recording. Subjects without ADL recordings are skipped.
    /// </summary>
    public static List<FallInDay> RunFalls(IReadOnlyList<Trial> test, FallDetectorOptions options, int daysPerSubject, int seed)
    {
        List<Trial> pool = [.. test.Where(t => !t.IsFall)];
        var withDays = new HashSet<string>(pool.Select(t => t.Subject), StringComparer.Ordinal);
        Trial[] falls = [.. test.Where(t => t.IsFall && withDays.Contains(t.Subject))];
        var results = new FallInDay[falls.Length];
        Parallel.For(0, falls.Length, i =>
        {
            Trial fall = falls[i];
            int fallSeed = DaySeed(seed, fall.File, 0);
            DayPlan day = DayOfWear.Build(pool, fall.Subject, DaySeed(seed, fall.Subject, fallSeed % Math.Max(1, daysPerSubject)));
            DayPlan plan = DayOfWear.WithFallAfter(day, fall, fallSeed);
            long fallStart = plan.Segments[^1].Start;
            long peak = fallStart + fall.PeakIndex - fall.Offset;
            long lag = 0;
            bool detected = false;
            foreach (var (impact, decision) in DayOfWear.Detections(plan, Candidates.Copy(options)))
            {
                if (impact >= fallStart)
                {
                    lag = decision - peak;
                    detected = true;
                    break;
                }
            }

            results[i] = new FallInDay(fall, detected, lag, fallStart);
        });
        return [.. results];
    }

    /// <summary>A seed that depends only on the run's seed, the subject's name and the day number (no per-process string hash).</summary>
    public static int DaySeed(int seed, string subject, int day)
    {
        uint hash = 2166136261u;
        foreach (char ch in subject)
        {
            hash = (hash ^ ch) * 16777619u;
        }

        return (int)((hash ^ (uint)seed) * 31u + (uint)day) & int.MaxValue;
    }

    /// <summary>False alarms per simulated day over the given days (NaN when there are none).</summary>
    public static double PerDay(IEnumerable<DayResult> days)
    {
        double total = 0;
        int alarms = 0;
        foreach (DayResult d in days)
        {
            total += d.Plan.Days;
            alarms += d.Impacts.Count;
        }

        return total == 0 ? double.NaN : alarms / total;
    }

    /// <summary>Prints the in-day sensitivity, by fall activity, and the median latency.</summary>
    public static void PrintFalls(TextWriter output, List<FallInDay> falls, bool list = false)
    {
        if (falls.Count == 0)
        {
            return;
        }

        var c = CultureInfo.InvariantCulture;
        int detected = falls.Count(f => f.Detected);
        var lags = falls.Where(f => f.Detected).Select(f => f.LagSamples / (double)f.Fall.SampleRateHertz).Order().ToList();
        double median = lags.Count == 0 ? double.NaN : lags[lags.Count / 2];
        output.WriteLine(string.Create(c, $"falls inside a worn day (each held-out fall after its subject's day from the last walk to a random daytime recording, median {falls.Select(f => f.ContextSamples / (double)f.Fall.SampleRateHertz / 60).Order().ElementAt(falls.Count / 2):F1} min of context): sensitivity={detected / (double)falls.Count:F4} ({detected}/{falls.Count}) median_latency={median:F2}s"));
        output.WriteLine("  by activity: " + string.Join(' ', falls.GroupBy(f => f.Fall.Activity).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key}={g.Count(f => f.Detected)}/{g.Count()}")));
        if (list)
        {
            foreach (FallInDay f in falls.Where(f => !f.Detected))
            {
                output.WriteLine(string.Create(c, $"  missed in a day: {f.Fall.File} after {f.ContextSamples / (double)f.Fall.SampleRateHertz / 60:F1} min of the day"));
            }
        }
    }

    /// <summary>
    /// Prints the table, per fold, per age group, alarms by activity, and the figure the
    /// per-trial results would predict if each recording behaved as it does alone.
    /// </summary>
    public static void Print(TextWriter output, List<DayResult> days, IReadOnlyList<TrialResult> trialResults)
    {
        var c = CultureInfo.InvariantCulture;
        output.WriteLine("== day of wear (held-out subjects' ADL recordings stitched into 24 h days; every detection is a false alarm) ==");
        output.WriteLine("activity table (per day; rows without a recording here are left out):");
        var present = new HashSet<string>(days.SelectMany(d => d.Plan.Segments).Where(s => s.Kind == SegmentKind.Recording).Select(s => s.Activity), StringComparer.Ordinal);
        foreach (var (row, activity, perDay) in DailyActivityTable.For(present))
        {
            output.WriteLine(string.Create(c, $"  {activity,-26} {perDay,6:F1} {(row.Minutes ? "min" : "x"),-3} {(row.Night ? "night" : "day"),-5} {row.Name}"));
        }

        double hours = days.Sum(d => d.Plan.Days) * 24;
        output.WriteLine(string.Create(c, $"days={days.Count} subjects={days.Select(d => d.Plan.Subject).Distinct().Count()} hours={hours:F0} alarms={days.Sum(d => d.Impacts.Count)}"));
        foreach (var fold in days.GroupBy(d => d.Fold).OrderBy(g => g.Key))
        {
            output.WriteLine(string.Create(c, $"  fold {fold.Key + 1}: days={fold.Count()} false_alarms_per_day={PerDay(fold):F3}"));
        }

        foreach (var age in days.GroupBy(d => d.Plan.AgeGroup).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            string gaps = string.Join(' ', age.SelectMany(d => d.Plan.Missing).Distinct().Order(StringComparer.Ordinal));
            output.WriteLine(string.Create(c, $"  {age.Key}: days={age.Count()} false_alarms_per_day={PerDay(age):F3}{(gaps.Length > 0 ? " (no recording of " + gaps + " in their folds)" : string.Empty)}"));
        }

        var by = days.SelectMany(d => d.Impacts.Select(i => d.Plan.At(i)?.Activity ?? "end")).GroupBy(a => a).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal);
        output.WriteLine("false alarms per day by activity: " + (days.Sum(d => d.Impacts.Count) == 0 ? "none"
            : string.Join(' ', by.Select(g => string.Create(c, $"{g.Key}={g.Count() / days.Sum(d => d.Plan.Days):F3}")))));
        var fired = trialResults.ToDictionary(r => r.Trial.File, r => r.Fired, StringComparer.Ordinal);
        double isolated = days.SelectMany(d => d.Plan.Segments).Count(s => s.Kind == SegmentKind.Recording && fired.TryGetValue(s.Trial!.File, out bool f) && f);
        output.WriteLine(string.Create(c, $"same recordings scored one by one (no stitching): {isolated / days.Sum(d => d.Plan.Days):F3} per day"));
        output.WriteLine("per subject: " + string.Join(' ', days.GroupBy(d => d.Plan.Subject).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => string.Create(c, $"{g.Key}={PerDay(g):F2}"))));
    }
}
