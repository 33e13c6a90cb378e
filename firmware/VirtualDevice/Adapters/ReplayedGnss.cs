using Eldercare.Firmware.Core.Gnss;
using Eldercare.Firmware.Core.Hardware;

namespace Eldercare.VirtualDevice.Adapters;

/// <summary>
/// The twin's GNSS module: hands the core the bytes of a recorded log (<see cref="NmeaLog"/>) as the clock reaches
/// their time, the way a UART buffer fills, so a virtual watch can wander along a real walk. It is also the module's
/// power switch (<see cref="IGnssPower"/>, the core's GNSS duty cycle): while off, the walk goes on and its sentences
/// are lost; after power-up the first <see cref="HotStartMilliseconds"/> of sentences are lost too (a hot start).
/// </summary>
public sealed class ReplayedGnss : IGnssReceiver, IGnssPower
{
    /// <summary>The modelled hot start from backup power (SAM-M8Q and AT6558R data sheets: 1 s).</summary>
    public const int DefaultHotStartMilliseconds = 1000;

    private readonly IClock _clock;
    private readonly IReadOnlyList<NmeaLogLine> _lines;
    private readonly object _lock = new();
    private long _startUptime = -1;
    private int _line;
    private int _offset;
    private bool _powered = true;
    private long _poweredAt = long.MinValue / 2;

    public ReplayedGnss(IClock clock, IReadOnlyList<NmeaLogLine> lines)
    {
        _clock = clock;
        _lines = lines;
    }

    /// <summary>The first valid GGA fix of a log as the core's parser reads it (a home to put a zone around), or null.</summary>
    public static GnssFix? FirstValidFix(IReadOnlyList<NmeaLogLine> lines)
    {
        var parser = new NmeaParser();
        foreach (NmeaLogLine line in lines)
        {
            foreach (byte b in line.Bytes)
            {
                if (parser.Feed(b, line.AtMilliseconds) && parser.Fix.Sentence == GnssFix.FromGga && parser.Fix.IsValid)
                {
                    var fix = new GnssFix();
                    fix.CopyFrom(parser.Fix);
                    return fix;
                }
            }
        }

        return null;
    }

    /// <summary>Sentences lost after a power-up (0: none; the default models a hot start).</summary>
    public int HotStartMilliseconds { get; init; } = DefaultHotStartMilliseconds;

    /// <summary>True while the module is powered (always, unless a duty cycle switches it).</summary>
    public bool IsPowered
    {
        get
        {
            lock (_lock)
            {
                return _powered;
            }
        }
    }

    /// <summary>Lines lost while the module was off or starting, since start.</summary>
    public int LinesLost { get; private set; }

    public void SetPowered(bool on)
    {
        lock (_lock)
        {
            if (on && !_powered)
            {
                _poweredAt = _clock.UptimeMilliseconds;
            }

            _powered = on;
        }
    }

    /// <summary>True once every line has been handed out.</summary>
    public bool Finished
    {
        get
        {
            lock (_lock)
            {
                return _line >= _lines.Count;
            }
        }
    }

    /// <summary>Starts (or restarts) the replay from the first line at the clock's current time.</summary>
    public void Start()
    {
        lock (_lock)
        {
            _startUptime = _clock.UptimeMilliseconds;
            _line = 0;
            _offset = 0;
        }
    }

    public int Read(byte[] buffer, int offset, int count)
    {
        lock (_lock)
        {
            if (_startUptime < 0)
            {
                return 0;
            }

            long now = _clock.UptimeMilliseconds;
            long elapsed = now - _startUptime;
            if (!_powered || now - _poweredAt < HotStartMilliseconds)
            {
                // Off or starting: the walk goes on, nothing comes out (a sentence cut off midway stays cut off).
                while (_line < _lines.Count && _lines[_line].AtMilliseconds <= elapsed)
                {
                    _line++;
                    _offset = 0;
                    LinesLost++;
                }

                return 0;
            }

            int written = 0;
            while (written < count && _line < _lines.Count && _lines[_line].AtMilliseconds <= elapsed)
            {
                byte[] bytes = _lines[_line].Bytes;
                int take = Math.Min(count - written, bytes.Length - _offset);
                Array.Copy(bytes, _offset, buffer, offset + written, take);
                written += take;
                _offset += take;
                if (_offset == bytes.Length)
                {
                    _line++;
                    _offset = 0;
                }
            }

            return written;
        }
    }
}
