using Eldercare.Firmware.Core.Hardware;

namespace Eldercare.Firmware.Tests.Fakes;

/// <summary>Plays a trace, one sample per read; then repeats the last sample. Can fail reads on demand.</summary>
public sealed class ScriptedAccelerometer(float[][] samples) : IAccelerometer
{
    private int _next;

    public int Reads { get; private set; }

    public bool FailReads { get; set; }

    public bool TryRead(out float xG, out float yG, out float zG)
    {
        Reads++;
        float[] s = samples[Math.Min(_next, samples.Length - 1)];
        (xG, yG, zG) = (s[0], s[1], s[2]);
        if (FailReads)
        {
            return false;
        }

        _next++;
        return true;
    }
}
