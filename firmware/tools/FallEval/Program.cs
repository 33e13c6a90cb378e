using System.CommandLine;
using System.Globalization;
using Eldercare.Firmware.Core.Falls;

namespace Eldercare.Firmware.Tools.FallEval;

/// <summary>
/// fall-eval DATA_DIR [--placement waist|neck|wrist] [--cv K] [--fit] [--subjects A,B] [--list]
/// Default: stream every trial through the committed detector profile and print the tables;
/// --cv K: leave-subjects-out cross-validation (fit on K-1 folds, stream the held-out fold);
/// --fit: fit on every trial given and print the constants for FallPlacementProfiles.cs.
/// The last line is always "sensitivity=0.xxxx specificity=0.xxxx trials=N".
/// </summary>
public static class Program
{
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var dataDirectory = new Argument<string>("data-dir") { Description = "Folder with trials.csv and one CSV per trial (layout of shared/datasets/falls)" };
        var placement = new Option<string>("--placement") { Description = "Detector profile", DefaultValueFactory = _ => "waist" };
        placement.AcceptOnlyFromAmong("waist", "neck", "wrist");
        var folds = new Option<int>("--cv") { Description = "Leave-subjects-out cross-validation with this many folds (0 = off)" };
        var fit = new Option<bool>("--fit") { Description = "Fit the logistic stage on all given trials and print the constants" };
        var subjects = new Option<string?>("--subjects") { Description = "Comma-separated subjects to use (default: all)" };
        var list = new Option<bool>("--list") { Description = "List every missed fall and false alarm" };
        var specificityWeight = new Option<double>("--spec-weight") { Description = "Weight of specificity when the threshold is chosen on training trials", DefaultValueFactory = _ => 1.0 };
        var impact = new Option<float?>("--impact-g") { Description = "Override the profile's impact threshold (exploration; the committed value is in the profile)" };
        var upright = new Option<int?>("--upright-axis") { Description = "Override the profile's upright axis, -1..2 (exploration)" };
        var root = new RootCommand("Evaluates the firmware fall detector on recorded trials, streaming them sample by sample.")
        {
            dataDirectory, placement, folds, fit, subjects, list, specificityWeight, impact, upright,
        };
        root.SetAction(parse =>
        {
            try
            {
                var subjectSet = parse.GetValue(subjects) is { } text
                    ? new HashSet<string>(text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.Ordinal)
                    : null;
                var trials = TrialLoader.Load(parse.GetValue(dataDirectory)!, subjectSet);
                if (trials.Count == 0)
                {
                    throw new DataFormatException($"{parse.GetValue(dataDirectory)}: trials.csv lists no trials");
                }

                return Execute(output, trials, parse.GetValue(placement)!, parse.GetValue(impact), parse.GetValue(upright), parse.GetValue(folds), parse.GetValue(fit), parse.GetValue(list), parse.GetValue(specificityWeight));
            }
            catch (DataFormatException ex)
            {
                error.WriteLine("error: " + ex.Message);
                return 2;
            }
        });
        return root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
    }

    private static int Execute(TextWriter output, List<Trial> trials, string placement, float? impactG, int? uprightAxis, int folds, bool fit, bool list, double specificityWeight)
    {
        FallDetectorOptions profile = FallDetectorOptions.ForPlacement(placement);
        if (uprightAxis is { } axis)
        {
            profile.UprightAxis = axis;
        }

        if (impactG is { } g)
        {
            profile.ImpactThresholdG = g;
        }

        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"placement={placement} trials={trials.Count} subjects={trials.Select(t => t.Subject).Distinct().Count()} impact>={profile.ImpactThresholdG:F2}g post={profile.PostWindowStartMilliseconds}..{profile.PostWindowEndMilliseconds}ms"));
        TrialResult[] results;
        if (folds > 0)
        {
            results = CrossValidate(output, trials, profile, folds, specificityWeight);
            Report.Print(output, $"leave-subjects-out cross-validation, {folds} folds (held-out subjects only)", results, list);
        }
        else if (fit)
        {
            var model = LogisticTrainer.Fit(Candidates.Extract(trials, profile), specificityWeight: specificityWeight);
            output.WriteLine(string.Create(c, $"fitted on all {trials.Count} trials; training trial score sens={model.TrainSensitivity:F4} spec={model.TrainSpecificity:F4} (optimistic: seen data)"));
            output.WriteLine("constants for firmware/Core/Falls/FallPlacementProfiles.cs:");
            output.WriteLine("options.Weights = new float[] { " + string.Join(", ", model.Weights.Select(w => w.ToString("R", c) + "f")) + " };");
            output.WriteLine("options.Bias = " + model.Bias.ToString("R", c) + "f;");
            var fitted = WithModel(profile, model);
            results = Evaluator.Run(trials, _ => Candidates.Copy(fitted));
            Report.Print(output, "fitted model on its own training data (optimistic)", results, list);
        }
        else
        {
            results = Evaluator.Run(trials, _ => FallDetectorOptions.ForPlacement(placement));
            Report.Print(output, "committed profile " + placement, results, list);
        }

        output.WriteLine(Report.LastLine(Report.Summarise(results)));
        return 0;
    }

    /// <summary>
    /// Subjects are dealt to folds round robin, elderly first, so elderly subjects (and the
    /// few who fell) spread over the folds. Each fold's model sees only the other folds.
    /// </summary>
    public static TrialResult[] CrossValidate(TextWriter output, List<Trial> trials, FallDetectorOptions profile, int folds, double specificityWeight)
    {
        var subjects = trials.GroupBy(t => t.Subject)
            .OrderBy(g => g.First().AgeGroup == "elderly" ? 0 : 1)
            .ThenBy(g => g.Any(t => t.IsFall) ? 0 : 1)
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Key).ToList();
        if (folds > subjects.Count)
        {
            throw new DataFormatException($"--cv {folds}: only {subjects.Count} subjects");
        }

        var foldOf = subjects.Select((s, i) => (s, i % folds)).ToDictionary(p => p.s, p => p.Item2, StringComparer.Ordinal);
        Candidates[] candidates = Candidates.Extract(trials, profile);
        var results = new List<TrialResult>();
        var c = CultureInfo.InvariantCulture;
        for (int fold = 0; fold < folds; fold++)
        {
            var training = candidates.Where(x => foldOf[x.Trial.Subject] != fold).ToList();
            var test = trials.Where(t => foldOf[t.Subject] == fold).ToList();
            var model = LogisticTrainer.Fit(training, specificityWeight: specificityWeight);
            var options = WithModel(profile, model);
            TrialResult[] foldResults = Evaluator.Run(test, _ => Candidates.Copy(options));
            Report.Summary s = Report.Summarise(foldResults);
            string held = string.Join(',', subjects.Where(x => foldOf[x] == fold));
            output.WriteLine(string.Create(c, $"fold {fold + 1}/{folds} held out {held}: train sens={model.TrainSensitivity:F3} spec={model.TrainSpecificity:F3} | test sens={s.Sensitivity:F3} spec={s.Specificity:F3} trials={s.Trials}"));
            results.AddRange(foldResults);
        }

        return [.. results];
    }

    private static FallDetectorOptions WithModel(FallDetectorOptions profile, LogisticTrainer.Model model)
    {
        var options = Candidates.Copy(profile);
        options.Weights = (float[])model.Weights.Clone();
        options.Bias = model.Bias;
        return options;
    }
}
