using Eldercare.Firmware.Core.Falls;

namespace Eldercare.Firmware.Tools.FallEval;

/// <summary>
/// Exploration choices made by an inner leave-subjects-out CV (issue 17 follow-up): the L2
/// penalty of the logistic fit (--nested-l2) and whether the body axis is learnt from sustained
/// gait only (--nested-steady). Off by default; the default output does not depend on them.
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
}
