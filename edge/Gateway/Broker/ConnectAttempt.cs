using Eldercare.Edge.Gateway.Registry;

namespace Eldercare.Edge.Gateway.Broker;

/// <summary>
/// One CONNECT waiting for a PBKDF2 verification: the <see cref="ConnectGuard"/> decides when a slot is free
/// and hears the outcome before the slot is released (<see cref="ISlowHashGate"/> says why then).
/// </summary>
public sealed class ConnectAttempt : ISlowHashGate
{
    private readonly ConnectGuard _guard;

    internal ConnectAttempt(ConnectGuard guard, string address, string deviceId)
    {
        _guard = guard;
        Address = address;
        DeviceId = deviceId;
    }

    public string Address { get; }

    public string DeviceId { get; }

    /// <summary>Why <see cref="MayStart"/> said no (None if it did not).</summary>
    public ConnectRefusal Refusal { get; private set; }

    /// <summary>The refusal is the first for its key this window: the one to log.</summary>
    public bool FirstRefusal { get; private set; }

    public bool MayStart()
    {
        Refusal = _guard.RefusalForSlowHash(Address, DeviceId, out var first);
        FirstRefusal = first;
        return Refusal == ConnectRefusal.None;
    }

    public void Finished(bool ok)
    {
        if (!ok)
        {
            _guard.RecordFailure(Address, DeviceId);
        }
    }
}
