namespace Eldercare.Firmware.Tools.FallEval;

/// <summary>
/// How often a community-dwelling older person does each recorded activity in one day, the
/// weights of the "day of wear" stream (<see cref="DayOfWear"/>). Each row names the recorded
/// activities that stand for it (SisFall codes, UMAFall names) and, where there is one, the
/// source of the figure; rows without a study are stated assumptions. Events are counted per
/// day (one recording each), walking by minutes (recordings drawn until the minutes are filled).
/// </summary>
public static class DailyActivityTable
{
    /// <summary>One row: <paramref name="PerDay"/> events (or minutes when <paramref name="Minutes"/>) split over the activities by their shares.</summary>
    public sealed record Row(string Name, double PerDay, bool Minutes, bool Night, (string Activity, double Share)[] Activities, string Source);

    /// <summary>Seconds of one simulated day and of its night part (in bed).</summary>
    public const int DaySeconds = 24 * 3600;

    /// <summary>8 h in bed: older adults' time in bed is 7.5-9 h (time-use surveys, e.g. ATUS 65+ sleeping ~8.9 h).</summary>
    public const int NightSeconds = 8 * 3600;

    public static readonly Row[] Rows =
    [
        new("walking", 60, true, false, [("D01", 0.75), ("D02", 0.25), ("Walking", 1)],
            "Tudor-Locke et al. 2011, IJBNPA 8:80: healthy older adults take ~2,000-9,000 steps/day; ~6,000 steps at ~100 steps/min = 60 min"),
        new("stairs (one flight up and down)", 4, false, false, [("D05", 0.75), ("D06", 0.25), ("GoUpstairs", 0.5), ("GoDownstairs", 0.5)],
            "assumption: a few flights a day (home with stairs or steps outside)"),
        new("sit down on a chair and stand up", 70, false, false, [("D07", 0.35), ("D08", 0.15), ("D09", 0.35), ("D10", 0.15), ("Sitting_GettingUpOnAChair", 1)],
            "Grant, Kerr, Dall 2008, Aging Clin Exp Res 20(5):437-444: healthy community-living older adults 71 +/- 25 sit-to-stand/day; quick sits assumed 30 %"),
        new("failed rise, drop back into the chair", 4, false, false, [("D11", 1)],
            "assumption: a few failed first attempts a day"),
        new("lie down on a bed or sofa and sit up", 3, false, false, [("D12", 0.67), ("D13", 0.33), ("LyingDown_OnABed", 1)],
            "assumption: going to bed plus one or two rests a day"),
        new("bend down and come back up", 20, false, false, [("D15", 0.5), ("D16", 0.5), ("Bending", 1)],
            "assumption: picking things up, shoes, low cupboards"),
        new("get into a car and out", 1, false, false, [("D17", 1)],
            "assumption: one car trip a day"),
        new("stumble and walk on", 1, false, false, [("D18", 1)],
            "assumption: one stumble a day"),
        new("reach up (on tiptoe, hands up)", 10, false, false, [("D19", 1), ("HandsUp", 1)],
            "assumption: shelves, dressing, hair"),
        new("clap hands", 3, false, false, [("Aplausing", 1)],
            "assumption: a few rounds of applause (TV, activities at the community centre)"),
        new("make a phone call", 4, false, false, [("MakingACall", 1)],
            "assumption"),
        new("open a door", 20, false, false, [("OpeningDoor", 1)],
            "assumption"),
        new("turn over in bed (each recording: back -> side -> back)", 8, false, true, [("D14", 1)],
            "De Koninck, Lorrain, Gagnon 1992, Sleep 15(2):143-149: age 65-80 change position 2.1 times/h; 8 h = ~17 changes = 8 recordings of two changes"),
        new("jogging, hopping", 0, false, false, [("D03", 0.5), ("D04", 0.5), ("Jogging", 0.5), ("Hopping", 0.5)],
            "not part of an older wearer's day (still scored per trial)"),
    ];

    /// <summary>
    /// The rows that have recordings among <paramref name="activities"/>, each activity's share
    /// renormalised over the recorded ones (e.g. UMAFall has no D08, so its sit row is all
    /// Sitting_GettingUpOnAChair). Rows with a zero rate or no recording are left out.
    /// </summary>
    public static List<(Row Row, string Activity, double PerDay)> For(ISet<string> activities)
    {
        var result = new List<(Row, string, double)>();
        foreach (Row row in Rows)
        {
            double total = row.Activities.Where(a => activities.Contains(a.Activity)).Sum(a => a.Share);
            if (row.PerDay <= 0 || total <= 0)
            {
                continue;
            }

            foreach (var (activity, share) in row.Activities.Where(a => activities.Contains(a.Activity)))
            {
                result.Add((row, activity, row.PerDay * share / total));
            }
        }

        return result;
    }
}
