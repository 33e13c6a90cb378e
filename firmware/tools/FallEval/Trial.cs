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

    /// <summary>This trial with <paramref name="warmup"/>'s samples in front (see <see cref="Offset"/>).</summary>
    public Trial WithWarmup(Trial warmup, int samples)
    {
        int n = Math.Min(samples, warmup.Length - warmup.Offset);
        short[] Join(short[] w, short[] t) => [.. w.Skip(warmup.Offset).Take(n), .. t.Skip(Offset)];
        return new Trial
        {
            File = File,
            Subject = Subject,
            AgeGroup = AgeGroup,
            Activity = Activity,
            IsFall = IsFall,
            SampleRateHertz = SampleRateHertz,
            X = Join(warmup.X, X),
            Y = Join(warmup.Y, Y),
            Z = Join(warmup.Z, Z),
            Offset = n,
        };
    }

    public int Length => X.Length;

    /// <summary>
    /// Samples at the start that are not part of the trial but a warm-up (--warmup: the same
    /// subject's walking, so a self-calibrating detector has seen the wearer walk, as it would
    /// on a device worn all day). Candidates and detections there are not counted.
    /// </summary>
    public int Offset { get; init; }

    /// <summary>Index of the largest |a| in the trial: the reference point of the latency figures.</summary>
    public int PeakIndex
    {
        get
        {
            int best = Offset;
            long bestSquared = -1;
            for (int i = Offset; i < X.Length; i++)
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
