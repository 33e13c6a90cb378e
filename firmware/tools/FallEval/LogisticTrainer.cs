using Eldercare.Firmware.Core.Falls;

namespace Eldercare.Firmware.Tools.FallEval;

/// <summary>
/// Fits the logistic stage on the candidates of training trials only.
/// Negatives: every candidate of an ADL trial. Positives: one candidate per fall trial (the
/// trials carry no impact time), first the one with the largest peak, then, for a few
/// rounds, the one the current model scores highest (multiple-instance learning). Classes
/// get equal total weight; Newton's method with a small L2 penalty on standardised features.
/// The decision threshold is then set on the training trials (trial score = best candidate)
/// to maximise sensitivity + specificity weight * specificity, and folded into the bias.
/// </summary>
public static class LogisticTrainer
{
    public sealed record Model(float[] Weights, float Bias, double TrainSensitivity, double TrainSpecificity);

    public static Model Fit(IReadOnlyList<Candidates> training, double l2 = 1.0, double specificityWeight = 1.0, int rounds = 3, double alarmCostPerDay = 0)
        => Fit(training, c => c.Features, FallFeatures.Count, FallFeatures.PeakG, null, l2, specificityWeight, rounds, alarmCostPerDay);

    /// <summary>
    /// The posture stage: fitted on the posture candidates; its threshold maximises the
    /// training trials' sensitivity + weight * specificity of "impact model fired OR posture
    /// score above the threshold" (<paramref name="impactFired"/>: the impact model's training decisions).
    /// </summary>
    public static Model FitPosture(IReadOnlyList<Candidates> training, Func<Candidates, bool> impactFired, double l2 = 1.0, double specificityWeight = 1.0, double alarmCostPerDay = 0)
        => Fit(training, c => c.PostureFeatures, PostureFeatures.Count, PostureFeatures.TransitionActivityLog, impactFired, l2, specificityWeight, 3, alarmCostPerDay);

    /// <summary>
    /// Expected false alarms per day if this ADL trial fires: how often its activity happens in
    /// a day (<see cref="DailyActivityTable"/>) divided by the training trials of that activity.
    /// 0 for falls and for activities an older wearer does not do.
    /// </summary>
    public static Dictionary<Trial, double> DailyRates(IEnumerable<Trial> trials)
    {
        var adl = trials.Where(t => !t.IsFall).Distinct().ToList();
        var table = DailyActivityTable.For(new HashSet<string>(adl.Select(t => t.Activity), StringComparer.Ordinal));
        var rates = new Dictionary<Trial, double>();
        foreach (var group in adl.GroupBy(t => t.Activity))
        {
            var row = table.FirstOrDefault(r => r.Activity == group.Key);
            double perDay = row.Row is null ? 0 : row.Row.Minutes
                ? row.PerDay * 60 / group.Average(t => (t.Length - t.Offset) / (double)t.SampleRateHertz)
                : row.PerDay;
            foreach (Trial t in group)
            {
                rates[t] = perDay / group.Count();
            }
        }

        return rates;
    }

    /// <summary>True when the model fires on at least one of the trial's candidates (refractory ignored).</summary>
    public static bool Fires(Model model, List<float[]> candidates)
    {
        foreach (float[] f in candidates)
        {
            double score = model.Bias;
            for (int k = 0; k < f.Length; k++)
            {
                score += model.Weights[k] * f[k];
            }

            if (score >= 0)
            {
                return true;
            }
        }

        return false;
    }

    private static Model Fit(IReadOnlyList<Candidates> training, Func<Candidates, List<float[]>> select, int d, int initialFeature,
        Func<Candidates, bool>? alreadyFired, double l2, double specificityWeight, int rounds, double alarmCostPerDay)
    {
        Dictionary<Trial, double> daily = alarmCostPerDay > 0 ? DailyRates(training.Select(c => c.Trial)) : [];
        double Daily(Trial t) => daily.TryGetValue(t, out double r) ? r : 0;
        var all = training.SelectMany(select).ToList();
        if (all.Count == 0)
        {
            throw new InvalidOperationException("no impact candidates in the training trials");
        }

        double[] mean = new double[d];
        double[] scale = new double[d];
        for (int k = 0; k < d; k++)
        {
            mean[k] = all.Average(f => (double)f[k]);
            double variance = all.Average(f => ((double)f[k] - mean[k]) * ((double)f[k] - mean[k]));
            scale[k] = variance > 1e-12 ? Math.Sqrt(variance) : 1.0;
        }

        double[] Standardise(float[] f)
        {
            var x = new double[d + 1];
            x[0] = 1.0;
            for (int k = 0; k < d; k++)
            {
                x[k + 1] = (f[k] - mean[k]) / scale[k];
            }

            return x;
        }

        var negatives = training.Where(c => !c.Trial.IsFall).SelectMany(select).Select(Standardise).ToList();

        // Negative weights: half uniform per candidate (per-trial specificity), half by how
        // often the activity happens in a day (false alarms per day), when that cost is on.
        var negativeTrials = training.Where(c => !c.Trial.IsFall).SelectMany(c => select(c).Select(_ => c)).ToList();
        double dailyTotal = negativeTrials.Sum(c => Daily(c.Trial) / select(c).Count);
        double[] negativeWeights = [.. negativeTrials.Select(c => dailyTotal > 0
            ? 0.5 * ((0.5 / negativeTrials.Count) + (0.5 * Daily(c.Trial) / select(c).Count / dailyTotal))
            : 0.5 / negativeTrials.Count)];
        var fallSets = training.Where(c => c.Trial.IsFall && select(c).Count > 0)
            .Select(c => select(c).Select(Standardise).ToList()).ToList();
        var falls = training.Where(c => c.Trial.IsFall && select(c).Count > 0).ToList();
        var positives = falls.Select(c => Standardise(select(c)[IndexOfMax(select(c).Select(f => (double)f[initialFeature]).ToList())])).ToList();
        if (positives.Count == 0 || negatives.Count == 0)
        {
            throw new InvalidOperationException("training candidates lack falls or ADLs");
        }

        double[] w = new double[d + 1];
        for (int round = 0; round < rounds; round++)
        {
            w = Newton(positives, negatives, negativeWeights, l2);
            positives = fallSets.Select(set => set[IndexOfMax(set.Select(x => Dot(w, x)).ToList())]).ToList();
        }

        w = Newton(positives, negatives, negativeWeights, l2);

        // Trial scores on the training trials, then the threshold.
        var scored = training.Select(c => (c.Trial.IsFall, Score: select(c).Count == 0
            ? double.NegativeInfinity
            : select(c).Max(f => Dot(w, Standardise(f))), Daily: Daily(c.Trial))).ToList();
        double highest = scored.Where(s => !double.IsNegativeInfinity(s.Score)).Select(s => s.Score).DefaultIfEmpty(0).Max();
        if (alreadyFired is not null)
        {
            // Trials the impact stage already detects count as fired at every threshold.
            scored = [.. training.Select((c, i) => (scored[i].IsFall, alreadyFired(c) ? highest + 1e6 : scored[i].Score, scored[i].Daily))];
        }

        (double threshold, double sens, double spec) = ChooseThreshold(scored, specificityWeight, alarmCostPerDay);
        if (threshold > highest)
        {
            threshold = highest + 1; // the posture stage adds nothing on the training trials: never fires on them
        }

        // Back to raw features: score = b + sum w_k (f_k - mean_k) / scale_k - threshold.
        var weights = new float[d];
        double bias = w[0] - threshold;
        for (int k = 0; k < d; k++)
        {
            weights[k] = (float)(w[k + 1] / scale[k]);
            bias -= w[k + 1] * mean[k] / scale[k];
        }

        return new Model(weights, (float)bias, sens, spec);
    }

    private static (double Threshold, double Sensitivity, double Specificity) ChooseThreshold(
        List<(bool IsFall, double Score, double Daily)> scored, double specificityWeight, double alarmCostPerDay)
    {
        // Objective: sensitivity + weight * specificity - cost * (expected false alarms per day).
        int falls = scored.Count(s => s.IsFall);
        int adls = scored.Count - falls;
        var ordered = scored.Where(s => !double.IsNegativeInfinity(s.Score)).OrderByDescending(s => s.Score).ToList();
        double best = double.NegativeInfinity;
        double bestThreshold = ordered.Count > 0 ? ordered[0].Score + 1 : 0;
        double bestSens = 0;
        double bestSpec = 1;
        int tp = 0;
        int fp = 0;
        double perDay = 0;
        for (int i = 0; i < ordered.Count; i++)
        {
            if (ordered[i].IsFall)
            {
                tp++;
            }
            else
            {
                fp++;
                perDay += ordered[i].Daily;
            }

            if (i + 1 < ordered.Count && ordered[i + 1].Score == ordered[i].Score)
            {
                continue;
            }

            double sens = falls == 0 ? 1 : tp / (double)falls;
            double spec = adls == 0 ? 1 : 1 - (fp / (double)adls);
            double objective = sens + (specificityWeight * spec) - (alarmCostPerDay * perDay);
            if (objective > best)
            {
                best = objective;
                double next = i + 1 < ordered.Count ? ordered[i + 1].Score : ordered[i].Score - 1;
                bestThreshold = (ordered[i].Score + next) / 2;
                bestSens = sens;
                bestSpec = spec;
            }
        }

        return (bestThreshold, bestSens, bestSpec);
    }

    private static double[] Newton(List<double[]> positives, List<double[]> negatives, double[] negativeWeights, double l2)
    {
        int n = positives[0].Length;
        double positiveWeight = 0.5 / positives.Count;

        double lambda = l2 / (positives.Count + negatives.Count);
        var w = new double[n];
        for (int iteration = 0; iteration < 50; iteration++)
        {
            var gradient = new double[n];
            var hessian = new double[n, n];
            void Accumulate(double[] x, double y, double weight)
            {
                double p = 1.0 / (1.0 + Math.Exp(-Dot(w, x)));
                double g = weight * (p - y);
                double h = weight * Math.Max(p * (1 - p), 1e-9);
                for (int a = 0; a < n; a++)
                {
                    gradient[a] += g * x[a];
                    for (int b = 0; b <= a; b++)
                    {
                        hessian[a, b] += h * x[a] * x[b];
                    }
                }
            }

            foreach (var x in positives)
            {
                Accumulate(x, 1, positiveWeight);
            }

            for (int k = 0; k < negatives.Count; k++)
            {
                Accumulate(negatives[k], 0, negativeWeights[k]);
            }

            for (int a = 0; a < n; a++)
            {
                for (int b = 0; b < a; b++)
                {
                    hessian[b, a] = hessian[a, b];
                }

                if (a > 0)
                {
                    gradient[a] += lambda * w[a];
                    hessian[a, a] += lambda;
                }
            }

            double[] step = Solve(hessian, gradient);
            double largest = 0;
            for (int a = 0; a < n; a++)
            {
                w[a] -= step[a];
                largest = Math.Max(largest, Math.Abs(step[a]));
            }

            if (largest < 1e-7)
            {
                break;
            }
        }

        return w;
    }

    private static double[] Solve(double[,] a, double[] b)
    {
        int n = b.Length;
        var m = (double[,])a.Clone();
        var v = (double[])b.Clone();
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < n; r++)
            {
                if (Math.Abs(m[r, col]) > Math.Abs(m[pivot, col]))
                {
                    pivot = r;
                }
            }

            for (int c = 0; c < n; c++)
            {
                (m[col, c], m[pivot, c]) = (m[pivot, c], m[col, c]);
            }

            (v[col], v[pivot]) = (v[pivot], v[col]);
            double diagonal = Math.Abs(m[col, col]) < 1e-12 ? 1e-12 : m[col, col];
            for (int r = col + 1; r < n; r++)
            {
                double factor = m[r, col] / diagonal;
                for (int c = col; c < n; c++)
                {
                    m[r, c] -= factor * m[col, c];
                }

                v[r] -= factor * v[col];
            }
        }

        var x = new double[n];
        for (int r = n - 1; r >= 0; r--)
        {
            double sum = v[r];
            for (int c = r + 1; c < n; c++)
            {
                sum -= m[r, c] * x[c];
            }

            x[r] = sum / (Math.Abs(m[r, r]) < 1e-12 ? 1e-12 : m[r, r]);
        }

        return x;
    }

    private static double Dot(double[] w, double[] x)
    {
        double sum = 0;
        for (int i = 0; i < w.Length; i++)
        {
            sum += w[i] * x[i];
        }

        return sum;
    }

    private static int IndexOfMax(List<double> values)
    {
        int best = 0;
        for (int i = 1; i < values.Count; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}
