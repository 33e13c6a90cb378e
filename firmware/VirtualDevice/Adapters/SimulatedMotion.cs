using Eldercare.Firmware.Core.Hardware;

namespace Eldercare.VirtualDevice.Adapters;

/// <summary>
/// The twin's accelerometer: each read returns the next scripted sample (one per sample slot, as the app reads at its
/// detector rate), else the elder's current behaviour: <see cref="Behaviour.Active"/> (standing, with a few seconds of
/// walking every 20-40 s, so the wellness check sees an ordinary day), <see cref="Behaviour.Quiet"/> (worn but still:
/// tiny noise and breathing around a tilted gravity vector, as someone lying or slumped; never significant movement,
/// never "not worn") or <see cref="Behaviour.Flat"/> (off the body, flat on a table or the charger: gravity on z,
/// sensor noise only). Axes as the waist data set: y along the body, about -1 g upright.
/// </summary>
public sealed class SimulatedMotion : IAccelerometer
{
    private const int Hertz = 50;
    private readonly Queue<(float X, float Y, float Z)> _script = new();
    private readonly Random _random;
    private readonly object _lock = new();
    private long _sample;
    private long _nextBoutSample;
    private long _boutEndSample;

    public SimulatedMotion(int seed = 1)
    {
        _random = new Random(seed);
        _nextBoutSample = _random.Next(5 * Hertz, 30 * Hertz);
    }

    public enum Behaviour
    {
        Active,
        Quiet,
        Flat,
    }

    /// <summary>What the elder (or the device) does when nothing is scripted.</summary>
    public Behaviour Current
    {
        get
        {
            lock (_lock)
            {
                return _behaviour;
            }
        }

        set
        {
            lock (_lock)
            {
                _behaviour = value;
            }
        }
    }

    private Behaviour _behaviour = Behaviour.Active;

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
            _sample++;
            if (_script.TryDequeue(out var sample))
            {
                (xG, yG, zG) = sample;
                return true;
            }

            switch (_behaviour)
            {
                case Behaviour.Quiet:
                    // Slumped in a chair: gravity ~35° off every axis, a breath every 4 s tilting it ~0.6°.
                    float breath = 0.01f * (float)Math.Sin(2 * Math.PI * 0.25 * _sample / Hertz);
                    (xG, yG, zG) = (0.45f + breath + Noise(0.004f), -0.75f + Noise(0.004f), 0.48f + Noise(0.004f));
                    return true;
                case Behaviour.Flat:
                    (xG, yG, zG) = (0.004f + Noise(0.003f), -0.006f + Noise(0.003f), 1.002f + Noise(0.003f));
                    return true;
                default:
                    Active(out xG, out yG, out zG);
                    return true;
            }
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

    /// <summary>Standing nearly still, with a 3 s walk (2 Hz steps of ±0.3 g) every 20-40 s.</summary>
    private void Active(out float xG, out float yG, out float zG)
    {
        if (_sample >= _nextBoutSample)
        {
            _boutEndSample = _sample + (3 * Hertz);
            _nextBoutSample = _sample + _random.Next(20 * Hertz, 40 * Hertz);
        }

        float bounce = _sample < _boutEndSample ? 0.3f * (float)Math.Sin(2 * Math.PI * 2 * _sample / Hertz) : 0f;
        xG = 0.02f + Noise(0.01f);
        yG = -0.98f - bounce + Noise(0.01f);
        zG = -0.15f + Noise(0.01f);
    }

    private float Noise(float amplitude) => (float)((_random.NextDouble() * 2) - 1) * amplitude;
}
