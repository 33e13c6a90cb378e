using System.Net;

namespace Eldercare.Edge.Gateway.Configuration;

/// <summary>Configuration section <c>Gateway:Mqtt</c>: the device-facing side.</summary>
public sealed class MqttOptions
{
    public BrokerMode Mode { get; init; } = BrokerMode.Embedded;

    /// <summary>
    /// Embedded broker: Linux nice value of the runtime's socket threads, which read and decode every device's packets
    /// (an SOS among them), -20..19; 0 leaves them. Needs CAP_SYS_NICE or LimitNICE, else a warning and no change.
    /// </summary>
    public int SocketThreadsNice { get; init; } = -10;

    /// <summary>Embedded broker: address to listen on.</summary>
    public string BindAddress { get; init; } = "0.0.0.0";

    /// <summary>Embedded broker: TCP port devices connect to.</summary>
    public int Port { get; init; } = 1883;

    /// <summary>Embedded broker: serve plain MQTT on <see cref="Port"/>. Turn off when every device speaks TLS.</summary>
    public bool PlainEnabled { get; init; } = true;

    /// <summary>Embedded broker: MQTT over TLS (1.2/1.3) on this port; 0 = no TLS listener.</summary>
    public int TlsPort { get; init; }

    /// <summary>PKCS#12 (.pfx) file with the gateway's certificate and private key; required when <see cref="TlsPort"/> is set.</summary>
    public string? TlsCertificatePath { get; init; }

    /// <summary>Password of <see cref="TlsCertificatePath"/>. A secret: never logged.</summary>
    public string? TlsCertificatePassword { get; init; }

    /// <summary>
    /// Embedded broker: largest MQTT packet a device may send. An event is at most 1024 bytes of payload plus a
    /// ~50-byte topic; MQTTnet would otherwise allocate whatever a header announces (up to 256 MB).
    /// </summary>
    public int MaxPacketBytes { get; init; } = 16_384;

    /// <summary>Embedded broker: a connection must complete TLS and CONNECT within this, or it is closed.</summary>
    public int ConnectTimeoutSeconds { get; init; } = 10;

    /// <summary>
    /// Embedded broker: failed logins (wrong or empty password, unknown id, ...) allowed from one source address per
    /// <see cref="ConnectWindowSeconds"/>; past it the address's CONNECTs are refused (<c>connect_rate_limited</c>)
    /// before any hashing, except a device presenting the secret it already proved (edge/README.md "Threat model").
    /// Only failures count: a device that reconnects with its right secret is never limited.
    /// </summary>
    public int ConnectFailuresPerAddress { get; init; } = 30;

    /// <summary>
    /// Embedded broker: failed logins allowed for one device id from one source address per window. Below
    /// <see cref="ConnectFailuresPerAddress"/>, so one device with a stale secret (or a guesser aiming at one id) does
    /// not use up the budget of the other devices behind the same address (a NAT).
    /// </summary>
    public int ConnectFailuresPerDeviceFromAddress { get; init; } = 5;

    /// <summary>Embedded broker: how long a failed login is remembered against its address (fixed windows).</summary>
    public int ConnectWindowSeconds { get; init; } = 60;

    /// <summary>
    /// Embedded broker: PBKDF2 verifications per second (token bucket, burst of one second) that the whole gateway
    /// grants to addresses with a failed login in the current window. An address without failures is never refused a
    /// verification and takes no token (a reconnect storm after a restart must get in).
    /// </summary>
    public int FailingAddressHashesPerSecond { get; init; } = 10;

    /// <summary>
    /// Embedded broker: downlinks queued per device at most (the one in flight included). A device gets an
    /// acknowledgement per alarm and a configuration change now and then, so 32 is days of an absent pendant's
    /// downlinks; past it <c>IDownlinks.EnqueueAsync</c> answers <c>QueueFull</c> (counted), nothing is dropped silently.
    /// </summary>
    public int MaxQueuedDownlinksPerDevice { get; init; } = 32;

    /// <summary>
    /// Embedded broker: the longest a device's session (its subscription and queued downlinks) outlives a disconnect.
    /// MQTT 3.1.1 clean session 0 asks for no limit, so it gets this; an MQTT 5 Session Expiry Interval above it
    /// (0xFFFFFFFF = never included) is cut to it and the CONNACK says so (MQTT 5 3.2.2.3.2). A week: an
    /// acknowledgement older than that tells the elder nothing, and a device away that long is a case for the operator.
    /// </summary>
    public long MaxSessionExpirySeconds { get; init; } = 7 * 86_400;

    /// <summary>External mode: the broker's host.</summary>
    public string ExternalHost { get; init; } = "127.0.0.1";

    /// <summary>External mode: the broker's port.</summary>
    public int ExternalPort { get; init; } = 1883;

    /// <summary>External mode: fixed client id, so the broker keeps the gateway's persistent session.</summary>
    public string ExternalClientId { get; init; } = "eldercare-gateway";

    public string? ExternalUsername { get; init; }

    public string? ExternalPassword { get; init; }

    public IEnumerable<string> Validate()
    {
        if (Mode == BrokerMode.Embedded)
        {
            if (Port is < 1 or > 65535)
            {
                yield return $"Gateway:Mqtt:Port must be 1..65535, got {Port}";
            }

            if (!IPAddress.TryParse(BindAddress, out _))
            {
                yield return $"Gateway:Mqtt:BindAddress '{BindAddress}' is not an IP address";
            }

            if (SocketThreadsNice is < -20 or > 19)
            {
                yield return $"Gateway:Mqtt:SocketThreadsNice must be -20..19, got {SocketThreadsNice}";
            }

            if (!PlainEnabled && TlsPort == 0)
            {
                yield return "Gateway:Mqtt: PlainEnabled=false needs a TlsPort, or no device can connect";
            }

            if (TlsPort is < 0 or > 65535 || (TlsPort != 0 && PlainEnabled && TlsPort == Port))
            {
                yield return $"Gateway:Mqtt:TlsPort must be 0 (off) or 1..65535 and differ from Port, got {TlsPort}";
            }

            if (TlsPort != 0 && (string.IsNullOrWhiteSpace(TlsCertificatePath) || !File.Exists(TlsCertificatePath)))
            {
                // The path is not a secret; the password never appears in a message.
                yield return $"Gateway:Mqtt:TlsCertificatePath '{TlsCertificatePath}' must name an existing .pfx file when TlsPort is set";
            }

            if (MaxPacketBytes is < 2048 or > 268_435_455)
            {
                yield return "Gateway:Mqtt:MaxPacketBytes must be 2048..268435455 (an event needs ~1.1 KB)";
            }

            if (ConnectTimeoutSeconds < 1 || ConnectWindowSeconds < 1 || ConnectFailuresPerAddress < 1 || ConnectFailuresPerDeviceFromAddress < 1 || FailingAddressHashesPerSecond < 1)
            {
                yield return "Gateway:Mqtt:ConnectTimeoutSeconds, ConnectWindowSeconds, ConnectFailuresPerAddress, ConnectFailuresPerDeviceFromAddress and FailingAddressHashesPerSecond must be >= 1";
            }

            if (MaxQueuedDownlinksPerDevice is < 1 or > 10_000)
            {
                yield return $"Gateway:Mqtt:MaxQueuedDownlinksPerDevice must be 1..10000, got {MaxQueuedDownlinksPerDevice}";
            }

            // An MQTT 5 Session Expiry Interval is a four-byte integer, 0xFFFFFFFF meaning "never": the cap must be below it.
            if (MaxSessionExpirySeconds is < 1 or >= uint.MaxValue)
            {
                yield return $"Gateway:Mqtt:MaxSessionExpirySeconds must be 1..4294967294, got {MaxSessionExpirySeconds}";
            }
        }
        else
        {
            if (ExternalPort is < 1 or > 65535)
            {
                yield return $"Gateway:Mqtt:ExternalPort must be 1..65535, got {ExternalPort}";
            }

            if (string.IsNullOrWhiteSpace(ExternalHost))
            {
                yield return "Gateway:Mqtt:ExternalHost is required in External mode";
            }

            if (string.IsNullOrWhiteSpace(ExternalClientId))
            {
                yield return "Gateway:Mqtt:ExternalClientId is required in External mode (a fixed id keeps the persistent session)";
            }
        }
    }
}
