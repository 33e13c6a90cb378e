namespace Eldercare.Firmware.Tools.FallEval;

/// <summary>
/// A fixed 3D rotation of the device axes (a device mounted another way round): drawn
/// uniformly from a seed (random unit quaternion), applied to every sample of every trial.
/// </summary>
public static class Rotation
{
    /// <summary>Row-major 3x3 rotation matrix of the seed.</summary>
    public static double[] FromSeed(int seed)
    {
        var random = new Random(seed);
        // Shoemake's uniform random unit quaternion.
        double u1 = random.NextDouble();
        double u2 = random.NextDouble() * 2 * Math.PI;
        double u3 = random.NextDouble() * 2 * Math.PI;
        double a = Math.Sqrt(1 - u1);
        double b = Math.Sqrt(u1);
        double w = a * Math.Sin(u2);
        double x = a * Math.Cos(u2);
        double y = b * Math.Sin(u3);
        double z = b * Math.Cos(u3);
        return
        [
            1 - (2 * ((y * y) + (z * z))), 2 * ((x * y) - (z * w)), 2 * ((x * z) + (y * w)),
            2 * ((x * y) + (z * w)), 1 - (2 * ((x * x) + (z * z))), 2 * ((y * z) - (x * w)),
            2 * ((x * z) - (y * w)), 2 * ((y * z) + (x * w)), 1 - (2 * ((x * x) + (y * y))),
        ];
    }

    /// <summary>The trials with every sample rotated by <paramref name="matrix"/> (rounded back to milli-g).</summary>
    public static List<Trial> Apply(IReadOnlyList<Trial> trials, double[] matrix) => [.. trials.Select(t => Apply(t, matrix))];

    public static Trial Apply(Trial trial, double[] m)
    {
        int n = trial.Length;
        var x = new short[n];
        var y = new short[n];
        var z = new short[n];
        for (int i = 0; i < n; i++)
        {
            double a = trial.X[i];
            double b = trial.Y[i];
            double c = trial.Z[i];
            x[i] = Round((m[0] * a) + (m[1] * b) + (m[2] * c));
            y[i] = Round((m[3] * a) + (m[4] * b) + (m[5] * c));
            z[i] = Round((m[6] * a) + (m[7] * b) + (m[8] * c));
        }

        return new Trial
        {
            File = trial.File,
            Subject = trial.Subject,
            AgeGroup = trial.AgeGroup,
            Activity = trial.Activity,
            IsFall = trial.IsFall,
            SampleRateHertz = trial.SampleRateHertz,
            X = x,
            Y = y,
            Z = z,
        };
    }

    private static short Round(double value) => (short)Math.Clamp(Math.Round(value), short.MinValue, short.MaxValue);
}
