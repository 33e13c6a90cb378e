namespace Eldercare.CloudStub;

/// <summary>
/// Configuration section <c>CloudStub:Mqtt</c>: the consumer mode (cloud-stub/README.md "MQTT consumer"). With a
/// <see cref="Host"/> the stub also subscribes to the platform broker that gateways with <c>Gateway:Upstream:Kind=Mqtt</c>
/// publish to; without one it is off.
/// </summary>
public sealed class MqttConsumerOptions
{
    public string? Host { get; init; }

    public int Port { get; init; } = 8883;

    public bool UseTls { get; init; } = true;

    /// <summary>PEM or DER file of the broker's CA (or its self-signed certificate) trusted as a root.</summary>
    public string? TrustedCaPath { get; init; }

    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>Credentials over a plain connection: refused unless true.</summary>
    public bool AllowCredentialsWithoutTls { get; init; }

    /// <summary>Fixed, so the broker keeps the consumer's persistent session (and queues for it while it is away).</summary>
    public string ClientId { get; init; } = "cloud-stub";

    public long SessionExpirySeconds { get; init; } = 7 * 24 * 3600;

    /// <summary>Messages the broker may send ahead of their PUBACK (our receive maximum); one store transaction takes up to this many.</summary>
    public int MaxInFlight { get; init; } = 1000;

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);

    public IEnumerable<string> Validate()
    {
        if (!Enabled)
        {
            yield break;
        }

        if (Uri.CheckHostName(Host) == UriHostNameType.Unknown)
        {
            yield return $"CloudStub:Mqtt:Host '{Host}' is not a host name or IP address";
        }

        if (Port is < 1 or > 65535)
        {
            yield return $"CloudStub:Mqtt:Port must be 1..65535, got {Port}";
        }

        if (!string.IsNullOrWhiteSpace(TrustedCaPath) && !File.Exists(TrustedCaPath))
        {
            yield return $"CloudStub:Mqtt:TrustedCaPath '{TrustedCaPath}' does not exist";
        }

        if (!UseTls && (!string.IsNullOrEmpty(Username) || !string.IsNullOrEmpty(Password)) && !AllowCredentialsWithoutTls)
        {
            yield return "CloudStub:Mqtt: a username or password without TLS travels in clear text; set UseTls=true or AllowCredentialsWithoutTls=true";
        }

        if (string.IsNullOrWhiteSpace(ClientId))
        {
            yield return "CloudStub:Mqtt:ClientId is required";
        }

        if (SessionExpirySeconds is < 1 or > uint.MaxValue)
        {
            yield return $"CloudStub:Mqtt:SessionExpirySeconds must be 1..{uint.MaxValue}";
        }

        if (MaxInFlight is < 1 or > 65535)
        {
            yield return $"CloudStub:Mqtt:MaxInFlight must be 1..65535, got {MaxInFlight}";
        }
    }
}
