using System.Collections.Concurrent;

namespace Eldercare.Edge.Gateway.Broker;

/// <summary>
/// At most <c>limit</c> CONNECT attempts per client (username) per window, checked before any password hashing:
/// a device stuck in a connect/disconnect loop, or someone guessing a device's password, costs the gateway a
/// dictionary lookup instead of a PBKDF2 verification each time, and cannot push other devices' first
/// connects behind it. Fixed windows: simple, and a legitimate device's burst of reconnects after a Wi-Fi
/// flap (a handful) stays far below the default.
/// </summary>
public sealed class ConnectRateLimiter
{
    private readonly int _limit;
    private readonly long _windowMilliseconds;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);
    private long _lastSweep;

    public ConnectRateLimiter(int limit, TimeSpan window, TimeProvider time)
    {
        _limit = limit;
        _windowMilliseconds = (long)window.TotalMilliseconds;
        _time = time;
    }

    /// <summary>True if this attempt is within the limit. <paramref name="firstRefusal"/> is true once per window
    /// (log that one; count every refusal).</summary>
    public bool TryAcquire(string key, out bool firstRefusal)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        Sweep(now);
        var window = _windows.GetOrAdd(key, _ => new Window(now));
        lock (window)
        {
            if (now - window.StartMilliseconds >= _windowMilliseconds)
            {
                window.StartMilliseconds = now;
                window.Count = 0;
                window.Refused = 0;
            }

            window.Count++;
            if (window.Count <= _limit)
            {
                firstRefusal = false;
                return true;
            }

            window.Refused++;
            firstRefusal = window.Refused == 1;
            return false;
        }
    }

    /// <summary>Drops stale windows now and then, so random client names cannot grow the table without bound.</summary>
    private void Sweep(long now)
    {
        var last = Interlocked.Read(ref _lastSweep);
        if (now - last < _windowMilliseconds || Interlocked.CompareExchange(ref _lastSweep, now, last) != last)
        {
            return;
        }

        foreach (var pair in _windows)
        {
            if (now - pair.Value.StartMilliseconds >= 2 * _windowMilliseconds)
            {
                _windows.TryRemove(pair);
            }
        }
    }

    private sealed class Window(long start)
    {
        public long StartMilliseconds = start;
        public int Count;
        public int Refused;
    }
}
