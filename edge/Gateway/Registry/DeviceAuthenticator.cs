using System.Collections.Concurrent;
using System.Security.Cryptography;
using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Firmware.Core.Events;

namespace Eldercare.Edge.Gateway.Registry;

/// <summary>
/// Checks a device's CONNECT against the registry. A successful PBKDF2 verification is cached
/// (id -> SHA-256 of the secret), so a 10k-device reconnect storm costs one slow hash per device
/// per gateway run, not per connect. Disabled devices are refused before any hashing.
/// </summary>
public sealed class DeviceAuthenticator : IDisposable
{
    private readonly ConcurrentDictionary<string, byte[]> _verified = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _slowHashSlots;
    private volatile Dictionary<string, DeviceRecord> _devices;
    private long _slowVerifications;

    public DeviceAuthenticator(IEnumerable<DeviceRecord> devices, RegistryOptions options)
    {
        _devices = ToMap(devices);
        _slowHashSlots = new SemaphoreSlim(options.MaxConcurrentVerifications);
    }

    public int DeviceCount => _devices.Count;

    /// <summary>Raised after <see cref="Replace"/>: the broker disconnects devices that are now disabled or gone.</summary>
    public event EventHandler? Replaced;

    /// <summary>Swaps in a new registry (e.g. after <c>devices add</c>); cached verifications are dropped,
    /// so a changed secret or a disabled flag applies to the very next CONNECT.</summary>
    public void Replace(IEnumerable<DeviceRecord> devices)
    {
        _devices = ToMap(devices);
        _verified.Clear();
        Replaced?.Invoke(this, EventArgs.Empty);
    }

    public bool TryGetDevice(string id, out DeviceRecord record)
    {
        if (_devices.TryGetValue(id, out var found))
        {
            record = found;
            return true;
        }

        record = null!;
        return false;
    }

    /// <summary>PBKDF2 verifications started since the gateway started (the cost an attacker can cause; tests bound it).</summary>
    public long SlowVerifications => Interlocked.Read(ref _slowVerifications);

    /// <summary>Every check, the slow one ungated (tools and tests; the broker passes its <c>ConnectGuard</c>'s gate to <see cref="VerifySlowAsync"/>).</summary>
    public async ValueTask<AuthenticationResult> AuthenticateAsync(string? clientId, string? userName, string? secret, CancellationToken cancellationToken) =>
        CheckWithoutSlowHash(clientId, userName, secret)
        ?? await VerifySlowAsync(userName!, secret!, AlwaysOpen.Instance, cancellationToken).ConfigureAwait(false)
        ?? throw new InvalidOperationException("an open gate never refuses");

    /// <summary>
    /// Everything but PBKDF2, in microseconds: a refusal (bad id, client id not the username, unknown, disabled,
    /// empty password), <see cref="AuthenticationResult.Accepted"/> when the secret matches the one this device
    /// already proved (cache), or null when only a slow verification can tell.
    /// </summary>
    public AuthenticationResult? CheckWithoutSlowHash(string? clientId, string? userName, string? secret)
    {
        if (string.IsNullOrEmpty(userName) || !EventCodec.IsValidDeviceId(userName))
        {
            return AuthenticationResult.Refused(RejectReasons.UnknownDevice, "username is not a device id");
        }

        if (!string.Equals(clientId, userName, StringComparison.Ordinal))
        {
            return AuthenticationResult.Refused(RejectReasons.BadCredentials, "client id must equal the username");
        }

        if (!_devices.TryGetValue(userName, out var record))
        {
            return AuthenticationResult.Refused(RejectReasons.UnknownDevice, "not in the registry");
        }

        if (!record.Enabled)
        {
            return AuthenticationResult.Refused(RejectReasons.BadCredentials, "device is disabled");
        }

        if (string.IsNullOrEmpty(secret))
        {
            return AuthenticationResult.Refused(RejectReasons.BadCredentials, "empty password");
        }

        return _verified.TryGetValue(userName, out var cached) && CryptographicOperations.FixedTimeEquals(cached, SecretHasher.Fingerprint(secret))
            ? AuthenticationResult.Accepted
            : null;
    }

    /// <summary>
    /// The PBKDF2 verification, for a CONNECT that <see cref="CheckWithoutSlowHash"/> could not decide. Null when
    /// <paramref name="gate"/> refused it; every other outcome is also reported to the gate.
    /// </summary>
    public async ValueTask<AuthenticationResult?> VerifySlowAsync(string userName, string secret, ISlowHashGate gate, CancellationToken cancellationToken)
    {
        await _slowHashSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        bool ok;
        try
        {
            // The registry may have been replaced while this CONNECT waited for a slot.
            if (!_devices.TryGetValue(userName, out var record) || !record.Enabled)
            {
                gate.Finished(false);
                return AuthenticationResult.Refused(RejectReasons.BadCredentials, "removed or disabled while waiting");
            }

            if (!gate.MayStart())
            {
                return null;
            }

            Interlocked.Increment(ref _slowVerifications);
            // Off the I/O thread: socket continuations may run inline (bench/README.md "Gateway performance journal"), and 100,000
            // PBKDF2 iterations take ~50 ms that no other connection should wait for.
            ok = await Task.Run(() => SecretHasher.Verify(record, secret), cancellationToken).ConfigureAwait(false);
            if (ok)
            {
                _verified[userName] = SecretHasher.Fingerprint(secret);
            }

            gate.Finished(ok);
        }
        finally
        {
            _slowHashSlots.Release();
        }

        return ok ? AuthenticationResult.Accepted : AuthenticationResult.Refused(RejectReasons.BadCredentials, "wrong password");
    }

    public void Dispose() => _slowHashSlots.Dispose();

    private static Dictionary<string, DeviceRecord> ToMap(IEnumerable<DeviceRecord> devices)
    {
        var map = new Dictionary<string, DeviceRecord>(StringComparer.Ordinal);
        foreach (var device in devices)
        {
            map[device.Id] = device;
        }

        return map;
    }

    private sealed class AlwaysOpen : ISlowHashGate
    {
        public static readonly AlwaysOpen Instance = new();

        public bool MayStart() => true;

        public void Finished(bool ok)
        {
        }
    }
}
