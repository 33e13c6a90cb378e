using System.Collections.Concurrent;

namespace Eldercare.Edge.Gateway.Broker;

/// <summary>
/// Failed logins per key (a source address, or a device id at an address) in fixed windows on an injected clock.
/// Fixed windows: one start time and two counters per key, and "at most N failures per window" is what the
/// operator configures and what the log says. The table is bounded: stale windows are swept, and when
/// <c>maxKeys</c> are live a new key is not tracked (<see cref="IsClean"/> then says false: an address the
/// gateway cannot remember gets no benefit of the doubt).
/// </summary>
public sealed class FailureWindows
{
    private readonly int _limit;
    private readonly long _windowMilliseconds;
    private readonly int _maxKeys;
    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);
    private long _lastSweep;

    public FailureWindows(int limit, TimeSpan window, int maxKeys, TimeProvider time)
    {
        _limit = limit;
        _windowMilliseconds = (long)window.TotalMilliseconds;
        _maxKeys = maxKeys;
        _time = time;
        _origin = time.GetTimestamp();
    }

    /// <summary>Keys held (live or not yet swept).</summary>
    public int Count => _windows.Count;

    /// <summary>True if <paramref name="key"/> has used its failures this window; then also counts a refusal, and
    /// <paramref name="firstRefusal"/> is true once per window (log that one, count them all).</summary>
    public bool IsOverLimit(string key, out bool firstRefusal)
    {
        firstRefusal = false;
        if (!_windows.TryGetValue(key, out var window))
        {
            return false;
        }

        var now = Now();
        lock (window)
        {
            if (window.IsStale(now, _windowMilliseconds) || window.Failures < _limit)
            {
                return false;
            }

            firstRefusal = ++window.Refused == 1;
            return true;
        }
    }

    /// <summary>No failure this window. False too for an unknown key while the table is full.</summary>
    public bool IsClean(string key)
    {
        if (!_windows.TryGetValue(key, out var window))
        {
            return _windows.Count < _maxKeys;
        }

        var now = Now();
        lock (window)
        {
            return window.IsStale(now, _windowMilliseconds) || window.Failures == 0;
        }
    }

    /// <summary>Counts a refusal for a reason decided elsewhere; true once per window (the one to log).</summary>
    public bool NoteRefusal(string key)
    {
        if (!_windows.TryGetValue(key, out var window))
        {
            // Untracked (table full): counted by the caller's metric, not logged, so a flood cannot flood the log.
            return false;
        }

        lock (window)
        {
            return ++window.Refused == 1;
        }
    }

    public void RecordFailure(string key)
    {
        var now = Now();
        Sweep(now);
        if (!_windows.TryGetValue(key, out var window))
        {
            if (_windows.Count >= _maxKeys)
            {
                return;
            }

            window = _windows.GetOrAdd(key, _ => new Window(now));
        }

        lock (window)
        {
            if (window.IsStale(now, _windowMilliseconds))
            {
                window.StartMilliseconds = now;
                window.Failures = 0;
                window.Refused = 0;
            }

            window.Failures++;
        }
    }

    private long Now() => (long)_time.GetElapsedTime(_origin).TotalMilliseconds;

    /// <summary>Drops stale windows once per window, or once a second while the table is full, so a flood of
    /// new addresses or ids cannot grow it without bound nor make every CONNECT scan it.</summary>
    private void Sweep(long now)
    {
        var last = Interlocked.Read(ref _lastSweep);
        var interval = _windows.Count >= _maxKeys ? Math.Min(1000, _windowMilliseconds) : _windowMilliseconds;
        if (now - last < interval || Interlocked.CompareExchange(ref _lastSweep, now, last) != last)
        {
            return;
        }

        foreach (var pair in _windows)
        {
            bool stale;
            lock (pair.Value)
            {
                stale = pair.Value.IsStale(now, _windowMilliseconds);
            }

            if (stale)
            {
                _windows.TryRemove(pair);
            }
        }
    }

    private sealed class Window(long start)
    {
        public long StartMilliseconds = start;
        public int Failures;
        public int Refused;

        public bool IsStale(long now, long windowMilliseconds) => now - StartMilliseconds >= windowMilliseconds;
    }
}
