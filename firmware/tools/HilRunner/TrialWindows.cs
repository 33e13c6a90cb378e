using Eldercare.Firmware.Tools.FallEval;

namespace Eldercare.Firmware.Tools.HilRunner;

/// <summary>One stretch of a trial to replay (milli-g samples at the trial's rate).</summary>
public sealed record TrialWindow(string File, bool IsFall, int SampleRateHertz, short[] X, short[] Y, short[] Z);

/// <summary>Picks the trials a run replays: the first N falls and M activities of the data set's index, in its order.</summary>
public static class TrialWindows
{
    /// <summary>The window of <paramref name="trial"/>: <paramref name="seconds"/> around its peak (40% before), or all of it for 0.</summary>
    public static TrialWindow Cut(Trial trial, int seconds)
    {
        int length = seconds == 0 ? trial.Length : Math.Min(trial.Length, seconds * trial.SampleRateHertz);
        int start = Math.Clamp(trial.PeakIndex - (length * 2 / 5), 0, trial.Length - length);
        return new TrialWindow(trial.File, trial.IsFall, trial.SampleRateHertz, trial.X[start..(start + length)], trial.Y[start..(start + length)], trial.Z[start..(start + length)]);
    }

    /// <summary>Loads the data set (FallEval's loader: one owner of the format) and cuts the selected trials.</summary>
    public static IReadOnlyList<TrialWindow> Select(string directory, string? subject, int falls, int activities, int windowSeconds)
    {
        List<Trial> trials = TrialLoader.Load(directory, subject is null ? null : new HashSet<string>(StringComparer.Ordinal) { subject });
        var chosen = trials.Where(t => t.IsFall).Take(falls).Concat(trials.Where(t => !t.IsFall).Take(activities)).ToList();
        if (chosen.Any(t => t.SampleRateHertz != 50))
        {
            throw new DataFormatException($"{directory}: the device samples at 50 Hz; trials at other rates cannot be replayed in real time");
        }

        return [.. chosen.Select(t => Cut(t, windowSeconds))];
    }
}
