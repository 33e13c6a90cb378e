using Eldercare.Firmware.Core.Wellness;
using Eldercare.Firmware.Tests.Fakes;

namespace Eldercare.Firmware.Tests.Wellness;

/// <summary>Synthetic 50 Hz accelerometer streams for the wellness tests, played into a monitor on a fake clock.</summary>
internal sealed class Motion(FakeClock clock, InactivityMonitor monitor)
{
    public const int Hertz = 50;

    /// <summary>2025-11-23T01:00:00Z = 09:00 in China (UTC+8).</summary>
    public const long NineAmChinaUtc = 1_763_859_600_000;

    private readonly Random _random = new(5);

    public List<(long AtMilliseconds, int Transition)> Transitions { get; } = [];

    /// <summary>A FakeClock whose wall clock reads <paramref name="localHour"/>:<paramref name="localMinute"/> in China (UTC+8) at uptime 0.</summary>
    public static FakeClock ClockAtChinaTime(int localHour, int localMinute = 0) =>
        new(NineAmChinaUtc + (((localHour - 9) * 60L) + localMinute) * 60_000L);

    /// <summary>
    /// Worn by someone lying or sitting still: gravity tilted off every axis, a breath every 4 s tilting it by
    /// ~0.6° (0.01 g), and sensor noise. Never significant movement, never "not worn".
    /// </summary>
    public void StillWorn(double seconds) => Play(seconds, t => (0.50f + Breath(t, 0.01f) + Noise(0.004f), 0.30f + Noise(0.004f), 0.81f + Noise(0.004f)));

    /// <summary>Walking: 2 Hz steps of ±0.3 g along the body.</summary>
    public void Walk(double seconds) => Play(seconds, t => (0.02f + Noise(0.05f), -0.98f - (0.3f * (float)Math.Sin(2 * Math.PI * 2 * t)), -0.15f + Noise(0.05f)));

    /// <summary>On a table: gravity on z, MPU6050-like noise (~2 mg per axis), nothing else.</summary>
    public void Flat(double seconds) => Play(seconds, _ => (0.004f + Noise(0.003f), -0.006f + Noise(0.003f), 1.002f + Noise(0.003f)));

    /// <summary>Flat on the back, gravity on z, but breathing: a worn device on a still elder (must alarm, not "not worn").</summary>
    public void FlatBreathing(double seconds) => Play(seconds, t => (0.004f + Breath(t, 0.01f) + Noise(0.003f), -0.006f + Noise(0.003f), 1.002f + Noise(0.003f)));

    /// <summary>Any stream: <paramref name="sample"/> gets the time in seconds since this call.</summary>
    public void Play(double seconds, Func<double, (float X, float Y, float Z)> sample)
    {
        long count = (long)Math.Round(seconds * Hertz);
        for (long i = 0; i < count; i++)
        {
            clock.Advance(1000 / Hertz);
            (float x, float y, float z) = sample(i / (double)Hertz);
            int transition = monitor.AddSample(x, y, z, clock.UtcNowUnixMilliseconds);
            if (transition != WellnessTransition.None)
            {
                Transitions.Add((clock.UptimeMilliseconds, transition));
            }

        }
    }

    private static float Breath(double t, float amplitude) => amplitude * (float)Math.Sin(2 * Math.PI * 0.25 * t);

    private float Noise(float amplitude) => (float)((_random.NextDouble() * 2) - 1) * amplitude;
}
