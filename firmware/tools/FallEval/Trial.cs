namespace Eldercare.Firmware.Tools.FallEval;

/// <summary>One recorded trial: its row of trials.csv and its samples in milli-g.</summary>
public sealed class Trial
{
    public required string File { get; init; }
    public required string Subject { get; init; }
    public required string AgeGroup { get; init; }
    public required string Activity { get; init; }
    public required bool IsFall { get; init; }
    public required int SampleRateHertz { get; init; }
    public required short[] X { get; init; }
    public required short[] Y { get; init; }
    public required short[] Z { get; init; }

    public int Length => X.Length;

    /// <summary>Index of the largest |a| in the trial: the reference point of the latency figures.</summary>
    public int PeakIndex
    {
        get
        {
            int best = 0;
            long bestSquared = -1;
            for (int i = 0; i < X.Length; i++)
            {
                long squared = ((long)X[i] * X[i]) + ((long)Y[i] * Y[i]) + ((long)Z[i] * Z[i]);
                if (squared > bestSquared)
                {
                    bestSquared = squared;
                    best = i;
                }
            }

            return best;
        }
    }
}
