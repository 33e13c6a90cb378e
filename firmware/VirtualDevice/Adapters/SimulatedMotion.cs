using Eldercare.Firmware.Core.Hardware;

namespace Eldercare.VirtualDevice.Adapters;

/// <summary>
/// The twin's accelerometer: each read returns the next scripted sample (one per sample
/// slot, as the app reads at its detector rate), or an elder standing nearly still when
/// nothing is scripted. Axes as the waist data set: y along the body, about -1 g upright.
/// </summary>
public sealed class SimulatedMotion : IAccelerometer
{
    private const int Hertz = 50;
    private readonly Queue<(float X, float Y, float Z)> _script = new();
    private readonly Random _random;
    private readonly object _lock = new();

    public SimulatedMotion(int seed = 1) => _random = new Random(seed);

    /// <summary>Samples still to play.</summary>
    public int Pending
    {
        get
        {
            lock (_lock)
            {
                return _script.Count;
            }
        }
    }

    public bool TryRead(out float xG, out float yG, out float zG)
    {
        lock (_lock)
        {
            if (_script.TryDequeue(out var sample))
            {
                (xG, yG, zG) = sample;
                return true;
            }

            xG = 0.02f + Noise(0.01f);
            yG = -0.98f + Noise(0.01f);
            zG = -0.15f + Noise(0.01f);
            return true;
        }
    }

    /// <summary>
    /// Queues a hard fall: 3 s walking, 0.4 s dropping towards free fall, a 6 g impact,
    /// then lying still on the back for 8 s (the shape of SisFall's forward falls).
    /// </summary>
    public void ScriptFall()
    {
        lock (_lock)
        {
            for (int i = 0; i < 3 * Hertz; i++)
            {
                float bounce = 0.3f * (float)Math.Sin(2 * Math.PI * 2 * i / Hertz);
                _script.Enqueue((0.02f + Noise(0.05f), -0.98f - bounce + Noise(0.05f), -0.15f + Noise(0.05f)));
            }

            int drop = (int)(0.4 * Hertz);
            for (int i = 0; i < drop; i++)
            {
                float scale = 1f - (0.8f * (i + 1) / drop);
                _script.Enqueue((0.02f * scale, -0.98f * scale, -0.15f * scale));
            }

            float norm = (float)Math.Sqrt((0.3 * 0.3) + (0.5 * 0.5) + (0.8 * 0.8));
            foreach (float s in new[] { 0.4f, 0.8f, 1f, 0.7f, 0.4f })
            {
                float g = 6f * s;
                _script.Enqueue((g * 0.3f / norm, g * -0.5f / norm, g * 0.8f / norm));
            }

            for (int i = 0; i < 8 * Hertz; i++)
            {
                _script.Enqueue((0.05f + Noise(0.01f), -0.1f + Noise(0.01f), 0.99f + Noise(0.01f)));
            }
        }
    }

    private float Noise(float amplitude) => (float)((_random.NextDouble() * 2) - 1) * amplitude;
}
