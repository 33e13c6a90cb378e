using System.Net;
using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Text;
using Microsoft.Extensions.Logging;

namespace Eldercare.Edge.Gateway.Ingest;

/// <summary>
/// Writes the operator's <c>rejected &lt;who&gt; &lt;reason&gt;: &lt;detail&gt;</c> lines (and the device-fault warnings,
/// <see cref="WriteFault"/>) so that an attacker controls
/// neither their shape nor their number. Every untrusted string is escaped and capped (<see cref="LogText"/>: a
/// 16,000-character username made a 16,119-character line). Per source (the address of <c>ip:port</c>, else the
/// device id) and reason, the first <see cref="DefaultLinesPerWindow"/> (5) rejections of a window are written; the rest are
/// only counted (the metric counts every one) and summed up in one line when the window ends: 500 garbage
/// connections from one address were 500 lines, now they are at most a handful and a summary. The counter
/// <c>gateway_rejected_total{reason}</c> stays the exact record.
/// </summary>
public sealed class RejectionLog : IDisposable
{
    /// <summary>Lines written per source and reason per window before the rest are summed up, by default.</summary>
    public const int DefaultLinesPerWindow = 5;

    /// <summary>Sources tracked at once; past it, further sources share one entry per reason ("*").</summary>
    public const int MaxSources = 4096;

    private const int MaxWhoChars = 64;
    private const int MaxDetailChars = 240;

    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly long _windowMilliseconds;
    private readonly Dictionary<(string Source, string Reason), Window> _windows = [];
    private readonly ITimer _flush;

    private readonly int _linesPerWindow;

    public RejectionLog(ILogger logger, TimeProvider time, TimeSpan window, int linesPerWindow = DefaultLinesPerWindow)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(linesPerWindow, 1);
        _linesPerWindow = linesPerWindow;
        _logger = logger;
        _time = time;
        _windowMilliseconds = (long)window.TotalMilliseconds;
        // Summaries are written when a window ends even if that source sends nothing more.
        _flush = time.CreateTimer(_ => Flush(), null, window, window);
    }

    public void Write(string who, string reason, string detail)
    {
        var source = SourceOf(who);
        if (Admit(source, reason))
        {
            _logger.LogWarning("rejected {Device} {Reason}: {Detail}", LogText.Untrusted(who, MaxWhoChars), reason, LogText.Untrusted(detail, MaxDetailChars));
        }
    }

    /// <summary>
    /// A device fault in an event that was kept (<c>id_conflict</c>, <c>seq_regression</c>): <c>&lt;fault&gt; &lt;id&gt;:
    /// &lt;detail&gt;</c>, under the same allowance per device and fault (a device whose storage was reset could
    /// otherwise make a warning of every event it sends).
    /// </summary>
    public void WriteFault(string deviceId, string eventId, string fault, string detail)
    {
        if (Admit(deviceId, fault))
        {
            _logger.LogWarning("{Fault} {Id}: {Detail}", fault, LogText.Untrusted(eventId, MaxWhoChars), LogText.Untrusted(detail, MaxDetailChars));
        }
    }

    /// <summary>True when this one gets a line; writes the summary of the source's previous window if it ended.</summary>
    private bool Admit(string source, string reason)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        int suppressedBefore = 0;
        bool write;
        lock (_windows)
        {
            var key = (source, reason);
            if (!_windows.TryGetValue(key, out var window))
            {
                if (_windows.Count >= MaxSources)
                {
                    key = ("*", reason);
                }

                if (!_windows.TryGetValue(key, out window))
                {
                    window = new Window(now);
                    _windows[key] = window;
                }
            }

            if (now - window.StartMilliseconds >= _windowMilliseconds)
            {
                suppressedBefore = window.Suppressed;
                window.StartMilliseconds = now;
                window.Written = 0;
                window.Suppressed = 0;
            }

            write = window.Written < _linesPerWindow;
            if (write)
            {
                window.Written++;
            }
            else
            {
                window.Suppressed++;
            }
        }

        if (suppressedBefore > 0)
        {
            Summary(source, reason, suppressedBefore);
        }

        return write;
    }

    /// <summary>Writes the summaries of ended windows and forgets quiet sources (also called by the timer).</summary>
    public void Flush()
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        List<(string Source, string Reason, int Count)>? summaries = null;
        lock (_windows)
        {
            foreach (var (key, window) in _windows)
            {
                if (now - window.StartMilliseconds < _windowMilliseconds)
                {
                    continue;
                }

                if (window.Suppressed > 0)
                {
                    (summaries ??= []).Add((key.Source, key.Reason, window.Suppressed));
                }

                _windows.Remove(key);
            }
        }

        foreach (var (source, reason, count) in summaries ?? [])
        {
            Summary(source, reason, count);
        }
    }

    public void Dispose() => _flush.Dispose();

    private void Summary(string source, string reason, int count)
    {
        if (reason is EventIdentity.IdConflict or EventIdentity.SeqRegression)
        {
            _logger.LogWarning("{Fault} {Device}: {Count} more in {Seconds} s not logged one by one (each counted in gateway_device_faults_total)",
                reason, LogText.Untrusted(source, MaxWhoChars), count, _windowMilliseconds / 1000.0);
            return;
        }

        _logger.LogWarning("rejected {Device} {Reason}: {Count} more in {Seconds} s not logged one by one (each counted in gateway_rejected_total)",
            LogText.Untrusted(source, MaxWhoChars), reason, count, _windowMilliseconds / 1000.0);
    }

    /// <summary>The address of an <c>ip:port</c> (a connection's port changes with every attempt), else the text itself.</summary>
    private static string SourceOf(string who) => IPEndPoint.TryParse(who, out var endpoint) && who.Contains(':') ? endpoint.Address.ToString() : who;

    private sealed class Window(long start)
    {
        public long StartMilliseconds = start;
        public int Written;
        public int Suppressed;
    }
}
