using Eldercare.Firmware.Tools.FallEval;

namespace Eldercare.Firmware.Tests.Falls;

/// <summary>The day-of-wear stream of FallEval (issue 17): stitched from the test fold only, deterministic, weighted by the table.</summary>
[TestClass]
public sealed class DayOfWearTests
{
    private static readonly Lazy<List<Trial>> s_trials = new(() => TrialLoader.Load(
        Path.Combine(SharedData.Datasets, "falls"), new HashSet<string>(["SA01", "SA03", "SA04", "SE02"], StringComparer.Ordinal)));

    private static List<Trial> Pool(params string[] subjects) => [.. s_trials.Value.Where(t => subjects.Contains(t.Subject))];

    private static long Checksum(DayPlan plan)
    {
        long sum = 0;
        long n = 0;
        DayOfWear.Stream(plan, (x, y, z) =>
        {
            n++;
            sum = unchecked((sum * 31) + x + (3 * y) + (7 * z) + n);
        });
        Assert.AreEqual(plan.Length, n, "the stream has exactly the planned samples");
        return sum;
    }

    private static string Describe(DayPlan plan) =>
        string.Join(';', plan.Segments.Select(s => $"{s.Kind}:{s.Activity}:{s.Trial?.File}:{s.Start}:{s.Length}"));

    [TestMethod]
    [TestCategory("Unit")]
    public void Build_SameSeed_SameDaySampleForSample()
    {
        List<Trial> pool = Pool("SA01", "SA03");

        DayPlan first = DayOfWear.Build(pool, "SA01", 42);
        DayPlan again = DayOfWear.Build(pool, "SA01", 42);
        DayPlan other = DayOfWear.Build(pool, "SA01", 43);

        Assert.AreEqual(Describe(first), Describe(again));
        Assert.AreEqual(Checksum(first), Checksum(again));
        Assert.AreNotEqual(Describe(first), Describe(other));
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void Build_TestFoldPool_DrawsOnlyItsSubjectsAndAgeGroup()
    {
        List<Trial> pool = Pool("SA01", "SA03", "SE02"); // SA04 is a training subject: not in the pool

        foreach (var (subject, allowed) in new[] { ("SA01", new[] { "SA01", "SA03" }), ("SE02", new[] { "SE02" }) })
        {
            DayPlan plan = DayOfWear.Build(pool, subject, 7);
            var drawn = plan.Segments.Where(s => s.Kind == SegmentKind.Recording).Select(s => s.Trial!).ToList();

            Assert.IsNotEmpty(drawn);
            Assert.IsTrue(drawn.All(t => pool.Contains(t) && !t.IsFall), subject + ": only ADL recordings of the pool");
            Assert.IsTrue(drawn.All(t => allowed.Contains(t.Subject)), subject + ": the subject's own, else the same age group of the fold");
            Assert.IsGreaterThan(drawn.Count / 2, drawn.Count(t => t.Subject == subject), subject + ": mostly the subject's own recordings");
        }
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void Build_OneSubject_CountsFollowTheDailyTable()
    {
        List<Trial> pool = Pool("SA01");
        DayPlan plan = DayOfWear.Build(pool, "SA01", 3);
        var recordings = plan.Segments.Where(s => s.Kind == SegmentKind.Recording).ToList();
        long nightStart = (long)(DailyActivityTable.DaySeconds - DailyActivityTable.NightSeconds) * plan.SampleRateHertz;

        foreach (var (row, activity, perDay) in DailyActivityTable.For(new HashSet<string>(pool.Select(t => t.Activity), StringComparer.Ordinal)))
        {
            var mine = recordings.Where(s => s.Activity == activity).ToList();
            if (row.Minutes)
            {
                double seconds = mine.Sum(s => s.Length) / (double)plan.SampleRateHertz;
                double longest = pool.Where(t => t.Activity == activity).Max(t => t.Length) / (double)plan.SampleRateHertz;
                Assert.IsTrue(seconds >= perDay * 60 && seconds < (perDay * 60) + longest, $"{activity}: {seconds} s for {perDay} min");
            }
            else
            {
                Assert.AreEqual((int)Math.Round(perDay, MidpointRounding.AwayFromZero), mine.Count, activity);
            }

            Assert.IsTrue(mine.All(s => row.Night == (s.Start >= nightStart)), activity + ": in its part of the day");
        }

        Assert.IsEmpty(recordings.Where(s => s.Activity is "D03" or "D04"), "jogging is not part of an older wearer's day");
        Assert.IsTrue(plan.Days > 0.999 && plan.Days < 1.01, "one day: " + plan.Days);
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void WithFallAfter_HeldOutFall_StartsAtAWalkAndEndsWithTheFall()
    {
        List<Trial> pool = Pool("SA01");
        Trial fall = s_trials.Value.First(t => t.Subject == "SA01" && t.Activity == "F13");
        DayPlan day = DayOfWear.Build(pool, "SA01", 5);

        DayPlan plan = DayOfWear.WithFallAfter(day, fall, 9);
        DayPlan again = DayOfWear.WithFallAfter(day, fall, 9);

        Assert.AreEqual(Describe(plan), Describe(again));
        Assert.IsTrue(plan.Segments[0].Activity is "D01" or "D02", "the context starts at a walk: " + plan.Segments[0].Activity);
        Assert.AreSame(fall, plan.Segments[^1].Trial);
        Assert.AreEqual(SegmentKind.Transition, plan.Segments[^2].Kind);
        Assert.IsTrue(plan.Segments.Take(plan.Segments.Count - 1).All(s => s.Trial is null || (!s.Trial.IsFall && s.Trial.Subject == "SA01")));
        Assert.AreEqual(plan.Length, plan.Segments.Sum(s => (long)s.Length));
    }
}
