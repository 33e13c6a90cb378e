namespace Eldercare.Edge.Gateway.Configuration;

/// <summary>
/// Configuration section <c>Gateway:Upstream:Mqtt</c> (with <c>Gateway:Upstream:Kind=Mqtt</c>): the platform's MQTT
/// broker, the shape of Alibaba Cloud / Huawei IoT platforms and cloud IoT hubs (edge/README.md "Upstream over MQTT").
/// TLS is on by default; credentials over a plain connection need <see cref="AllowCredentialsWithoutTls"/>.
/// </summary>
public sealed class MqttUpstreamOptions
{
    public const string Section = "Gateway:Upstream:Mqtt";

    /// <summary>The broker's host name or IP address (required). With TLS it is also the name checked in its certificate.</summary>
    public string? Host { get; init; }

    public int Port { get; init; } = 8883;

    /// <summary>TLS (default). Off only for a broker on the same host or a test.</summary>
    public bool UseTls { get; init; } = true;

    /// <summary>PEM or DER file of the platform's CA (or its self-signed certificate), trusted besides the system's CAs.</summary>
    public string? TrustedCaPath { get; init; }

    /// <summary>Hex SHA-256 thumbprint of the broker's certificate to accept (pinning), colons and case ignored.</summary>
    public string? PinnedThumbprintSha256 { get; init; }

    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>Sending a username and password without TLS (anyone on the path reads them): refused unless true.</summary>
    public bool AllowCredentialsWithoutTls { get; init; }

    /// <summary>Fixed client id, so the broker keeps the gateway's persistent session; default: <c>Gateway:Forwarder:GatewayId</c>.</summary>
    public string? ClientId { get; init; }

    public int KeepAliveSeconds { get; init; } = 30;

    /// <summary>How long the broker keeps the gateway's session while it is away (MQTT 5 session expiry). Default 7 days.</summary>
    public long SessionExpirySeconds { get; init; } = 7 * 24 * 3600;

    /// <summary>Publishes awaiting their PUBACK at once over the connection (all streams), at most the broker's receive maximum.</summary>
    public int MaxInFlight { get; init; } = 1000;

    public int ConnectTimeoutMilliseconds { get; init; } = 5000;

    /// <summary>
    /// A PUBACK "no matching subscribers" (MQTT 5 reason 16) means the broker took the event and nobody will read it:
    /// by default it is sent again later (never marked forwarded). True for a platform whose rules engine takes
    /// messages without a subscription.
    /// </summary>
    public bool AcceptWithoutSubscribers { get; init; }

    public bool HasCredentials => !string.IsNullOrEmpty(Username) || !string.IsNullOrEmpty(Password);

    /// <summary>The client id in use.</summary>
    public string EffectiveClientId(string gatewayId) => string.IsNullOrWhiteSpace(ClientId) ? gatewayId : ClientId;

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(Host))
        {
            yield return $"{Section}:Host is required with Gateway:Upstream:Kind=Mqtt";
        }
        else if (Uri.CheckHostName(Host) == UriHostNameType.Unknown)
        {
            yield return $"{Section}:Host '{Host}' is not a host name or IP address";
        }

        if (Port is < 1 or > 65535)
        {
            yield return $"{Section}:Port must be 1..65535, got {Port}";
        }

        if (!string.IsNullOrWhiteSpace(TrustedCaPath) && !File.Exists(TrustedCaPath))
        {
            yield return $"{Section}:TrustedCaPath '{TrustedCaPath}' does not exist";
        }

        var pin = new UpstreamTlsOptions { PinnedThumbprintSha256 = PinnedThumbprintSha256 }.NormalizedPin;
        if (!string.IsNullOrEmpty(pin) && (pin.Length != 64 || !pin.All(Uri.IsHexDigit)))
        {
            yield return $"{Section}:PinnedThumbprintSha256 must be 64 hex digits (SHA-256 of the certificate)";
        }

        if (!UseTls && (!string.IsNullOrWhiteSpace(TrustedCaPath) || !string.IsNullOrWhiteSpace(PinnedThumbprintSha256)))
        {
            yield return $"{Section}:TrustedCaPath and PinnedThumbprintSha256 need UseTls=true";
        }

        if (!UseTls && HasCredentials && !AllowCredentialsWithoutTls)
        {
            yield return $"{Section}: a username or password without TLS travels in clear text; set UseTls=true, or AllowCredentialsWithoutTls=true if the link is private";
        }

        if (!string.IsNullOrEmpty(Password) && string.IsNullOrEmpty(Username))
        {
            yield return $"{Section}:Password is set without a Username";
        }

        if (ClientId is not null && (ClientId.Length is 0 or > 128 || ClientId.Any(c => c is '/' or '+' or '#' || char.IsControl(c) || char.IsWhiteSpace(c))))
        {
            yield return $"{Section}:ClientId must be 1..128 characters without '/', '+', '#', spaces or control characters";
        }

        if (KeepAliveSeconds is < 0 or > 65535)
        {
            yield return $"{Section}:KeepAliveSeconds must be 0..65535, got {KeepAliveSeconds}";
        }

        if (SessionExpirySeconds is < 1 or > uint.MaxValue)
        {
            yield return $"{Section}:SessionExpirySeconds must be 1..{uint.MaxValue}, got {SessionExpirySeconds}";
        }

        if (MaxInFlight is < 1 or > 65535)
        {
            yield return $"{Section}:MaxInFlight must be 1..65535, got {MaxInFlight}";
        }

        if (ConnectTimeoutMilliseconds < 100)
        {
            yield return $"{Section}:ConnectTimeoutMilliseconds must be >= 100";
        }
    }
}
