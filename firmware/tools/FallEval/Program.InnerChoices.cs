using Eldercare.Firmware.Core.Falls;

namespace Eldercare.Firmware.Tools.FallEval;

/// <summary>
/// Exploration choices made by an inner leave-subjects-out CV (issue 17 follow-up): the L2
/// penalty of the logistic fit (--nested-l2), whether the body axis is learnt from sustained
/// gait only (--nested-steady), and which of the repetition and swing features the model uses
/// (--nested-repeat, --nested-swing). Off by default; the default output does not depend on them.
/// </summary>
public static partial class Program
{
    /// <summary>
    /// Inner leave-subjects-out CV (profiles without the posture trigger, e.g. the waist): the
    /// axis learnt from every walking-like block vs from sustained gait only, scored by the
    /// training objective on the inner held-out folds (ties: the committed, every-block rule).
    /// </summary>
    private static FallDetectorOptions ChooseSteady(List<Trial> training, FallDetectorOptions profile, int innerFolds, double specificityWeight,
        Func<FallDetectorOptions, Candidates[]> candidatesFor, Dictionary<string, int> outerFoldOf, int outerFold)
    {
        Dictionary<string, int> inner = AssignFolds(training, innerFolds, out _);
        FallDetectorOptions best = profile;
        double bestObjective = double.NegativeInfinity;
        foreach (bool steady in new[] { false, true })
        {
            var o = Candidates.Copy(profile);
            o.SteadyGaitAxis = steady;
            double objective = InnerObjective(o, training, inner, innerFolds, specificityWeight, candidatesFor(o).Where(x => outerFoldOf[x.Trial.Subject] != outerFold).ToArray());
            if (objective > bestObjective + 1e-12)
            {
                bestObjective = objective;
                best = o;
            }
        }

        return best;
    }

    /// <summary>
    /// The training objective of <paramref name="o"/> on the inner held-out folds (one outer fold's training subjects):
    /// fitted on the other inner folds' candidates, scored by streaming the core detector; sensitivity + weight *
    /// specificity - the alarm cost of its expected false alarms per day. Used by every inner choice.
    /// </summary>
    private static double InnerObjective(FallDetectorOptions o, List<Trial> training, Dictionary<string, int> inner, int innerFolds, double specificityWeight, Candidates[] all)
    {
        var results = new List<TrialResult>();
        for (int f = 0; f < innerFolds; f++)
        {
            var fitted = FitAll(all.Where(x => inner[x.Trial.Subject] != f).ToList(), o, specificityWeight, out _);
            results.AddRange(Evaluator.Run(training.Where(t => inner[t.Subject] == f).ToList(), _ => Candidates.Copy(fitted)));
        }

        Report.Summary s = Report.Summarise(results);
        var daily = LogisticTrainer.DailyRates(results.Select(r => r.Trial));
        double perDay = results.Where(r => !r.Trial.IsFall && r.Fired).Sum(r => daily.TryGetValue(r.Trial, out double d) ? d : 0);
        return s.Sensitivity + (specificityWeight * s.Specificity) - (s_alarmCostPerDay * perDay);
    }

    /// <summary>--nested-grid-steady: the inner CV of --nested also tries the steady-gait axis (<see cref="FallDetectorOptions.SteadyGaitAxis"/>).</summary>
    private static bool s_steadyInGrid;

    /// <summary>--nested-l2: the L2 penalty is chosen by the inner CV (set from the option).</summary>
    private static bool s_nestedL2;

    /// <summary>L2 penalties tried by --nested-l2 (the committed fits used 1, i.e. almost none: the penalty is divided by the candidate count).</summary>
    private static readonly double[] s_l2Grid = [1.0, 10.0, 100.0];

    /// <summary>
    /// Inner leave-subjects-out CV on the training subjects of one outer fold only (or on all
    /// trials for --fit): every L2 penalty of the grid is fitted on the inner training folds and
    /// scored by streaming the core detector on the inner held-out folds; the objective is the
    /// training objective, sensitivity + weight * specificity - cost * expected false alarms per
    /// day (ties: the first, the weakest penalty).
    /// </summary>
    private static double ChooseL2(List<Trial> training, FallDetectorOptions profile, int innerFolds, double specificityWeight,
        Func<FallDetectorOptions, Candidates[]> candidatesFor, Dictionary<string, int> outerFoldOf, int outerFold)
    {
        Dictionary<string, int> inner = AssignFolds(training, innerFolds, out _);
        Candidates[] all = candidatesFor(profile).Where(x => outerFoldOf[x.Trial.Subject] != outerFold).ToArray();
        double saved = s_l2;
        double best = s_l2Grid[0];
        double bestObjective = double.NegativeInfinity;
        try
        {
            foreach (double l2 in s_l2Grid)
            {
                s_l2 = l2;
                double objective = InnerObjective(profile, training, inner, innerFolds, specificityWeight, all);
                if (objective > bestObjective + 1e-12)
                {
                    bestObjective = objective;
                    best = l2;
                }
            }
        }
        finally
        {
            s_l2 = saved;
        }

        return best;
    }
    /// <summary>Impact features the fits leave out (weight 0), by <see cref="FallFeatures"/> index; set from the profile and --swing.</summary>
    private static bool[] s_dropped = new bool[FallFeatures.Count];

    /// <summary>--nested-swing: the swing features are chosen by the inner CV.</summary>
    private static bool s_nestedSwing;

    /// <summary>--nested-repeat: the repetition feature on or off is chosen by the inner CV.</summary>
    private static bool s_nestedRepeat;

    /// <summary>A profile's feature set is the features it weighs: a weight of exactly 0 leaves one out (the committed profiles' swing features before they are chosen).</summary>
    private static bool[] DroppedBy(FallDetectorOptions profile)
    {
        var dropped = new bool[FallFeatures.Count];
        for (int k = 0; k < dropped.Length; k++)
        {
            dropped[k] = profile.Weights[k] == 0f;
        }

        return dropped;
    }

    private static void SetSwing(bool[] dropped, string which)
    {
        (bool align, bool rhythm) = which switch
        {
            "none" => (false, false),
            "align" => (true, false),
            "rhythm" => (false, true),
            "both" => (true, true),
            _ => throw new DataFormatException($"--swing '{which}': expected none, align, rhythm or both"),
        };
        dropped[FallFeatures.SwingAlignmentLog] = !align;
        dropped[FallFeatures.RhythmLog] = !rhythm;
    }

    /// <summary>"all" or "all but repeat,align" (names of <see cref="FallFeatures"/>).</summary>
    private static string DescribeDropped(bool[] dropped)
    {
        var names = Enumerable.Range(0, dropped.Length).Where(k => dropped[k]).Select(FallFeatures.NameOf).ToList();
        return names.Count == 0 ? "all" : "all but " + string.Join(',', names);
    }

    /// <summary>
    /// Inner leave-subjects-out CV on the training subjects of one outer fold only (or on all
    /// trials for --fit): every feature set of the grid (with --nested-swing: no swing feature,
    /// align, rhythm, both; with --nested-repeat: the repetition feature kept or left out) is
    /// fitted on the inner training folds and scored by streaming the core detector on the inner
    /// held-out folds, by the training objective (<see cref="InnerObjective"/>). Ties: the first,
    /// the profile's own set.
    /// </summary>
    private static bool[] ChooseFeatures(List<Trial> training, FallDetectorOptions profile, int innerFolds, double specificityWeight,
        Func<FallDetectorOptions, Candidates[]> candidatesFor, Dictionary<string, int> outerFoldOf, int outerFold)
    {
        Dictionary<string, int> inner = AssignFolds(training, innerFolds, out _);
        Candidates[] all = candidatesFor(profile).Where(x => outerFoldOf[x.Trial.Subject] != outerFold).ToArray();
        var grid = new List<bool[]> { (bool[])s_dropped.Clone() };
        if (s_nestedSwing)
        {
            grid = [.. grid.SelectMany(d => new[] { "none", "align", "rhythm", "both" }.Select(w =>
            {
                var set = (bool[])d.Clone();
                SetSwing(set, w);
                return set;
            }))];
        }

        if (s_nestedRepeat)
        {
            grid = [.. grid.SelectMany(d => new[] { false, true }.Select(drop =>
            {
                var set = (bool[])d.Clone();
                set[FallFeatures.RepetitionsLog] = drop;
                return set;
            }))];
        }

        // The profile's own set first, so that a tie keeps it.
        grid = [.. grid.Distinct(new MaskComparer()).OrderBy(d => d.SequenceEqual(s_dropped) ? 0 : 1)];
        bool[] saved = s_dropped;
        bool[] best = saved;
        double bestObjective = double.NegativeInfinity;
        try
        {
            foreach (bool[] set in grid)
            {
                s_dropped = set;
                double objective = InnerObjective(profile, training, inner, innerFolds, specificityWeight, all);
                if (objective > bestObjective + 1e-12)
                {
                    bestObjective = objective;
                    best = set;
                }
            }
        }
        finally
        {
            s_dropped = saved;
        }

        return best;
    }

    private sealed class MaskComparer : IEqualityComparer<bool[]>
    {
        public bool Equals(bool[]? a, bool[]? b) => a is not null && b is not null && a.SequenceEqual(b);

        public int GetHashCode(bool[] mask) => mask.Aggregate(0, (h, bit) => (h * 2) + (bit ? 1 : 0));
    }
}
