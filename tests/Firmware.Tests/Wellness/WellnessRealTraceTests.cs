using System.Text;
using Eldercare.Firmware.Core.Wellness;
using Eldercare.Firmware.Tests.Falls;
using Eldercare.Firmware.Tools.FallEval;

namespace Eldercare.Firmware.Tests.Wellness;

/// <summary>
/// The wellness check on real recordings (the shared development splits only; the held-out subjects are not here and
/// must not be fetched): daily activities never look like inactivity for long, lying still after a fall does, and a
/// body never looks "not worn". Streams every trial through the core's <see cref="InactivityMonitor"/> at 50 Hz.
/// </summary>
[TestClass]
[TestCategory("Unit")]
public sealed class WellnessRealTraceTests
{
    /// <summary>1/36 of the default period: "not for long" with a wide margin.</summary>
    private const int LongestStillSecondsAllowed = 300;

    [TestMethod]
    [DataRow("falls")]
    [DataRow("umafall/chest")]
    [DataRow("umafall/wrist")]
    [DataRow("umafall/waist")]
    public void DailyActivities_EachSubjectsTrialsBackToBack_NeverStillForLong(string folder)
    {
        List<Trial> trials = TrialLoader.Load(Path.Combine(SharedData.Datasets, folder), null).Where(t => !t.IsFall).ToList();
        var report = new StringBuilder();
        int worst = 0, trialsWithoutMovement = 0, notWorn = 0;

        foreach (IGrouping<string, Trial> subject in trials.GroupBy(t => t.Subject).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            // Back to back without a seam: a still stretch carries from one trial's end into the next one's start.
            int carried = 0, longest = 0;
            foreach (Trial trial in subject.OrderBy(t => t.File, StringComparer.Ordinal))
            {
                StillRuns runs = Stream(trial, 0, trial.Length);
                notWorn += runs.NotWorn;
                if (!runs.Moved)
                {
                    trialsWithoutMovement++;
                    carried += runs.Seconds;
                    longest = Math.Max(longest, carried);
                    continue;
                }

                longest = Math.Max(longest, Math.Max(carried + runs.Leading, runs.Longest));
                carried = runs.Trailing;
            }

            worst = Math.Max(worst, longest);
            report.Append(subject.Key).Append(' ').Append(longest).Append("s; ");
        }

        string summary = $"{folder}: {trials.Count} activity trials, {trialsWithoutMovement} without a moving second; longest still stretch per subject: {report}";
        Console.WriteLine(summary);
        Assert.IsLessThanOrEqualTo(LongestStillSecondsAllowed, worst, summary);
        Assert.AreEqual(0, notWorn, "a worn device was taken for not worn");
        if (folder == "falls")
        {
            Assert.AreEqual(0, trialsWithoutMovement, "every SisFall activity trial has a second of significant movement (the threshold's basis)");
        }
    }

    [TestMethod]
    // Floors a few points under the measured shares (95.3%, 80.8%, 72.4%, 71.2%), so a change that makes lying still
    // look like movement fails here. Not every subject stays down after an emulated fall (some sit up or shift within
    // the 15 s), and UMAFall's 20 Hz SensorTag reads noisier than SisFall's 200 Hz ADXL345 averaged to 50 Hz.
    [DataRow("falls", 0.90)]
    [DataRow("umafall/chest", 0.75)]
    [DataRow("umafall/wrist", 0.65)]
    [DataRow("umafall/waist", 0.65)]
    public void FallTrials_LyingStillAfterTheImpact_RaisesTheAlarmNeverNotWorn(string folder, double minimumShare)
    {
        List<Trial> falls = TrialLoader.Load(Path.Combine(SharedData.Datasets, folder), null).Where(t => t.IsFall).ToList();
        var options = new WellnessOptions { InactivityMinutes = 5, NotWornAfterSeconds = 120, WakingFromMinuteOfDay = 0, WakingUntilMinuteOfDay = 0 };
        int used = 0, alarmed = 0, notWorn = 0;

        foreach (Trial trial in falls)
        {
            int from = trial.PeakIndex + (3 * trial.SampleRateHertz);
            if (trial.Length - from < 4 * trial.SampleRateHertz)
            {
                continue;
            }

            used++;
            var monitor = new InactivityMonitor(options, trial.SampleRateHertz);
            long utc = Motion.NineAmChinaUtc;
            bool raised = false;

            // The still tail played forwards and backwards for 6 minutes: the same signal, no seam.
            int length = trial.Length - from;
            for (long n = 0; n < 6L * 60 * trial.SampleRateHertz; n++, utc += 20)
            {
                long k = n % (2L * length);
                int i = from + (int)(k < length ? k : (2L * length) - 1 - k);
                int transition = monitor.AddSample(trial.X[i] / 1000f, trial.Y[i] / 1000f, trial.Z[i] / 1000f, utc);
                raised |= transition == WellnessTransition.Inactive;
                notWorn += transition == WellnessTransition.NotWorn ? 1 : 0;
            }

            alarmed += raised ? 1 : 0;
        }

        double share = alarmed / (double)used;
        string summary = $"{folder}: {alarmed} of {used} fall trials still after the impact raise the alarm ({share:P1}); not worn: {notWorn}";
        Console.WriteLine(summary);
        Assert.IsGreaterThanOrEqualTo(minimumShare, share, summary);
        Assert.IsLessThanOrEqualTo(used / 50, notWorn, "a body lying still is rarely (under 2%) taken for a device on a table: " + summary);
    }

    /// <summary>Per-second still counts of one trial as the monitor sees them.</summary>
    private static StillRuns Stream(Trial trial, int from, int to)
    {
        var monitor = new InactivityMonitor(new WellnessOptions { InactivityMinutes = 720, WakingFromMinuteOfDay = 0, WakingUntilMinuteOfDay = 0 }, trial.SampleRateHertz);
        long utc = Motion.NineAmChinaUtc;
        int seconds = 0, leading = 0, longest = 0, notWorn = 0;
        bool moved = false;
        int movementsBefore = 0;
        for (int i = from; i < to; i++, utc += 20)
        {
            notWorn += monitor.AddSample(trial.X[i] / 1000f, trial.Y[i] / 1000f, trial.Z[i] / 1000f, utc) == WellnessTransition.NotWorn ? 1 : 0;
            if ((i - from + 1) % trial.SampleRateHertz != 0)
            {
                continue;
            }

            seconds++;
            if (monitor.MovementSeconds > movementsBefore)
            {
                movementsBefore = monitor.MovementSeconds;
                moved = true;
            }
            else if (!moved)
            {
                leading++;
            }

            longest = Math.Max(longest, (int)(monitor.StillMilliseconds / 1000));
        }

        return new StillRuns(moved, seconds, leading, (int)(monitor.StillMilliseconds / 1000), longest, notWorn);
    }

    private readonly record struct StillRuns(bool Moved, int Seconds, int Leading, int Trailing, int Longest, int NotWorn);
}
