using System.Net;
using System.Net.Sockets;
using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Firmware.Core.Events;

namespace Eldercare.Edge.Gateway.Broker;

/// <summary>
/// Who may cost the gateway a login check. Only FAILED logins count, per source address and per device id at an
/// address, so a device reconnecting with its right secret is never limited and a guesser limits only the address it
/// guesses from: a device id is never blocked as such (issue 11: 65 guesses under a real id used to refuse the
/// real device for a window). A third bound is on CPU: addresses that failed this window share a budget of PBKDF2
/// verifications per second; addresses that did not fail are never refused one and do not touch the budget (a
/// reconnect storm after a restart is legitimate work, one verification per device, and must not starve or be starved).
/// A device presenting the secret it already proved does not come here at all (<see cref="DevicePolicy"/>).
/// </summary>
public sealed class ConnectGuard
{
    /// <summary>Keys per table. A LAN /24 has 254 addresses, and an address creates at most
    /// <c>ConnectFailuresPerAddress</c> device keys per window; beyond this the guard stops remembering (and
    /// treats an address it cannot remember as failing), rather than grow.</summary>
    public const int MaxTrackedKeys = 10_000;

    private readonly FailureWindows _addresses;
    private readonly FailureWindows _devicesAtAddress;
    private readonly SlowHashBudget _budget;

    public ConnectGuard(MqttOptions options, TimeProvider time)
    {
        var window = TimeSpan.FromSeconds(options.ConnectWindowSeconds);
        _addresses = new FailureWindows(options.ConnectFailuresPerAddress, window, MaxTrackedKeys, time);
        _devicesAtAddress = new FailureWindows(options.ConnectFailuresPerDeviceFromAddress, window, MaxTrackedKeys, time);
        _budget = new SlowHashBudget(options.FailingAddressHashesPerSecond, time);
    }

    /// <summary>Addresses and (device, address) pairs currently remembered (bounded by <see cref="MaxTrackedKeys"/> each).</summary>
    public int TrackedKeys => _addresses.Count + _devicesAtAddress.Count;

    /// <summary>
    /// The limiting key of a peer "ip:port": the IPv4 address (also when it arrives IPv4-mapped on a dual-stack
    /// socket), or an IPv6 address's /64, because one host picks addresses freely inside its /64 (RFC 4941
    /// temporary addresses) and per-address keys would give it 2^64 budgets.
    /// </summary>
    public static string AddressKey(string remote)
    {
        if (!IPEndPoint.TryParse(remote, out var endPoint))
        {
            return remote;
        }

        var address = endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address;
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    /// <summary>Before any check: refused if the address, or this device id at this address, used its failures.</summary>
    public ConnectRefusal CheckBeforeAuthentication(string address, string? deviceId, out bool firstRefusal)
    {
        if (_addresses.IsOverLimit(address, out firstRefusal))
        {
            return ConnectRefusal.AddressFailing;
        }

        return DeviceKey(address, deviceId) is { } key && _devicesAtAddress.IsOverLimit(key, out firstRefusal)
            ? ConnectRefusal.DeviceFailingFromAddress
            : ConnectRefusal.None;
    }

    /// <summary>A CONNECT that needs a PBKDF2 verification; pass it to <c>DeviceAuthenticator.VerifySlowAsync</c>.</summary>
    public ConnectAttempt Attempt(string address, string deviceId) => new(this, address, deviceId);

    /// <summary>A failed login (any reason: unknown id, wrong password, ...) from <paramref name="address"/>.</summary>
    public void RecordFailure(string address, string? deviceId)
    {
        _addresses.RecordFailure(address);
        if (DeviceKey(address, deviceId) is { } key)
        {
            _devicesAtAddress.RecordFailure(key);
        }
    }

    /// <summary>
    /// Asked when a verification slot is free, so CONNECTs that queued behind a failure see it. The limits again
    /// (they may have filled while this one waited), then the budget: an address without failures this window goes
    /// ahead (a correct first login from a clean address is never refused); an address with failures needs a token.
    /// </summary>
    internal ConnectRefusal RefusalForSlowHash(string address, string deviceId, out bool firstRefusal)
    {
        var refusal = CheckBeforeAuthentication(address, deviceId, out firstRefusal);
        if (refusal != ConnectRefusal.None)
        {
            return refusal;
        }

        if (_addresses.IsClean(address) || _budget.TryTake())
        {
            return ConnectRefusal.None;
        }

        firstRefusal = _addresses.NoteRefusal(address);
        return ConnectRefusal.HashBudgetSpent;
    }

    /// <summary>Only well-formed ids get a key of their own: anything else is refused without hashing anyway, and
    /// bounded keys (32 characters) keep the table small.</summary>
    private static string? DeviceKey(string address, string? deviceId) =>
        deviceId is not null && EventCodec.IsValidDeviceId(deviceId) ? deviceId + "@" + address : null;
}
