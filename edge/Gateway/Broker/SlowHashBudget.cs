namespace Eldercare.Edge.Gateway.Broker;

/// <summary>
/// Token bucket of PBKDF2 verifications for the whole gateway: <c>perSecond</c> tokens a second, at most one
/// second's worth saved. A token bucket rather than a window here: the bound is on CPU per second, and a bucket
/// gives no double burst at a window edge.
/// </summary>
public sealed class SlowHashBudget
{
    private readonly double _perSecond;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private double _tokens;
    private long _refilledAt;

    public SlowHashBudget(int perSecond, TimeProvider time)
    {
        _perSecond = perSecond;
        _time = time;
        _tokens = perSecond;
        _refilledAt = time.GetTimestamp();
    }

    /// <summary>Takes a token if one is left: true. Else false, and nothing is taken.</summary>
    public bool TryTake()
    {
        lock (_gate)
        {
            Refill();
            if (_tokens < 1)
            {
                return false;
            }

            _tokens--;
            return true;
        }
    }

    private void Refill()
    {
        var now = _time.GetTimestamp();
        _tokens = Math.Min(_perSecond, _tokens + (_time.GetElapsedTime(_refilledAt, now).TotalSeconds * _perSecond));
        _refilledAt = now;
    }
}
