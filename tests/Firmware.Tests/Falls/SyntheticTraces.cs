namespace Eldercare.Firmware.Tests.Falls;

/// <summary>
/// Hand-made 50 Hz waist traces (device axes as SisFall: y points down the body when
/// standing). Deterministic: the noise comes from a seeded generator.
/// </summary>
internal sealed class SyntheticTraces
{
    public const int Hertz = 50;

    private readonly List<float[]> _samples = [];
    private readonly Random _random = new(42);

    public int Count => _samples.Count;

    public float[][] Samples => [.. _samples];

    /// <summary>Standing upright, nearly still.</summary>
    public SyntheticTraces Stand(double seconds) => Hold(seconds, 0.02f, -0.98f, -0.15f, 0.01f);

    /// <summary>Lying on the back: gravity on z.</summary>
    public SyntheticTraces Lie(double seconds) => Hold(seconds, 0.05f, -0.1f, 0.99f, 0.01f);

    /// <summary>Sitting: trunk leaning back 20 degrees.</summary>
    public SyntheticTraces Sit(double seconds) => Hold(seconds, 0.02f, -0.92f, 0.34f, 0.01f);

    /// <summary>Walking: 2 Hz vertical bounce of +-0.3 g around standing.</summary>
    public SyntheticTraces Walk(double seconds)
    {
        int n = (int)(seconds * Hertz);
        for (int i = 0; i < n; i++)
        {
            float bounce = 0.3f * (float)Math.Sin(2 * Math.PI * 2 * i / Hertz);
            Add(0.02f + Noise(0.05f), -0.98f - bounce + Noise(0.05f), -0.15f + Noise(0.05f));
        }

        return this;
    }

    /// <summary>|a| ramps from 1 g to <paramref name="lowestG"/> (free fall or a drop into a seat).</summary>
    public SyntheticTraces Drop(double seconds, float lowestG)
    {
        int n = (int)(seconds * Hertz);
        for (int i = 0; i < n; i++)
        {
            float scale = 1f - ((1f - lowestG) * (i + 1) / n);
            Add(0.02f * scale, -0.98f * scale, -0.15f * scale);
        }

        return this;
    }

    /// <summary>A short impact: a triangle of peak <paramref name="peakG"/> over five samples along (x, y, z).</summary>
    public SyntheticTraces Impact(float peakG, float x, float y, float z)
    {
        float norm = (float)Math.Sqrt((x * x) + (y * y) + (z * z));
        float[] shape = [0.4f, 0.8f, 1f, 0.7f, 0.4f];
        foreach (float s in shape)
        {
            float g = peakG * s;
            Add(g * x / norm, g * y / norm, g * z / norm);
        }

        return this;
    }

    /// <summary>Rotates gravity slowly from standing to lying over <paramref name="seconds"/> (no impact).</summary>
    public SyntheticTraces LieDownSlowly(double seconds)
    {
        int n = (int)(seconds * Hertz);
        for (int i = 0; i < n; i++)
        {
            double angle = Math.PI / 2 * (i + 1) / n;
            Add(0.02f + Noise(0.02f), (float)(-0.98 * Math.Cos(angle)) + Noise(0.02f), (float)(0.98 * Math.Sin(angle)) + Noise(0.02f));
        }

        return this;
    }

    /// <summary>
    /// A brisk fall with no impact spike (a soft landing, or an impact the sensor stream did not
    /// catch): standing to lying within <paramref name="seconds"/> with +-0.8 g of jolting.
    /// </summary>
    public SyntheticTraces TopplesWithoutImpact(double seconds)
    {
        int n = (int)(seconds * Hertz);
        for (int i = 0; i < n; i++)
        {
            double angle = Math.PI / 2 * (i + 1) / n;
            float jolt = 1f + Noise(0.8f);
            Add((0.02f * jolt) + Noise(0.1f), (float)(-0.98 * Math.Cos(angle) * jolt), (float)(0.98 * Math.Sin(angle) * jolt));
        }

        return this;
    }

    /// <summary>The samples turned by a fixed rotation (row-major 3x3): the device mounted another way.</summary>
    public static float[][] Rotate(float[][] samples, double[] m) =>
    [
        .. samples.Select(s => new[]
        {
            (float)((m[0] * s[0]) + (m[1] * s[1]) + (m[2] * s[2])),
            (float)((m[3] * s[0]) + (m[4] * s[1]) + (m[5] * s[2])),
            (float)((m[6] * s[0]) + (m[7] * s[1]) + (m[8] * s[2])),
        }),
    ];

    private SyntheticTraces Hold(double seconds, float x, float y, float z, float noise)
    {
        int n = (int)(seconds * Hertz);
        for (int i = 0; i < n; i++)
        {
            Add(x + Noise(noise), y + Noise(noise), z + Noise(noise));
        }

        return this;
    }

    private void Add(float x, float y, float z) => _samples.Add([x, y, z]);

    private float Noise(float amplitude) => (float)((_random.NextDouble() * 2) - 1) * amplitude;
}
