using Eldercare.Firmware.Core.Events;

namespace Eldercare.TestSupport;

/// <summary>
/// A second mosquitto standing in for an IoT platform's MQTT broker (the gateway's MQTT upstream, issue 16): its own
/// config on a free loopback port, TLS only (a self-signed certificate for 127.0.0.1 made here, its PEM the trust the
/// clients get), a password file with the gateway's and the consumer's users, an ACL that lets the gateway write only
/// its own upstream topics and the consumer read them, persistence and no queue limits (<see cref="MosquittoProcess"/>).
/// </summary>
public sealed class PlatformBroker : IAsyncDisposable
{
    public const string ConsumerUser = "cloud-stub";

    private readonly TempDirectory _certificates;

    private PlatformBroker(TempDirectory certificates, MosquittoProcess mosquitto, string gatewayId)
    {
        _certificates = certificates;
        Mosquitto = mosquitto;
        GatewayId = gatewayId;
    }

    public MosquittoProcess Mosquitto { get; }

    public int Port => Mosquitto.Port;

    public string GatewayId { get; }

    /// <summary>The broker's certificate (PEM), what gateway and consumer trust.</summary>
    public string CaPath => _certificates.File("platform.crt");

    public string GatewayPassword => "gw-secret-" + GatewayId;

    public string ConsumerPassword => "consumer-secret";

    /// <param name="gatewayId">The gateway's <c>Gateway:Forwarder:GatewayId</c>, also its user name at the broker.</param>
    public static async Task<PlatformBroker> StartAsync(string gatewayId = "gw-01")
    {
        var certificates = new TempDirectory("platform-tls");
        try
        {
            await LoopbackCertificate.WriteAsync("platform-broker", certificates.File("platform.crt"), certificates.File("platform.key")).ConfigureAwait(false);
            var users = new Dictionary<string, string> { [gatewayId] = "gw-secret-" + gatewayId, [ConsumerUser] = "consumer-secret" };
            var acl = $"""
                user {gatewayId}
                topic write {Topics.PlatformRoot}{gatewayId}/events/#

                user {ConsumerUser}
                topic read {Topics.PlatformRoot}+/events/#
                """;
            var mosquitto = await MosquittoProcess.StartAsync(users, acl, extraConfig: $"""
                certfile {certificates.File("platform.crt")}
                keyfile {certificates.File("platform.key")}
                """).ConfigureAwait(false);
            return new PlatformBroker(certificates, mosquitto, gatewayId);
        }
        catch
        {
            certificates.Dispose();
            throw;
        }
    }

    /// <summary>The gateway's arguments for an MQTT upstream to this broker.</summary>
    public IReadOnlyList<string> GatewayArgs() =>
    [
        "--Gateway:Upstream:Kind=Mqtt",
        "--Gateway:Upstream:Mqtt:Host=127.0.0.1",
        $"--Gateway:Upstream:Mqtt:Port={Port}",
        $"--Gateway:Upstream:Mqtt:TrustedCaPath={CaPath}",
        $"--Gateway:Upstream:Mqtt:Username={GatewayId}",
        $"--Gateway:Upstream:Mqtt:Password={GatewayPassword}",
        $"--Gateway:Forwarder:GatewayId={GatewayId}",
    ];

    /// <summary>The cloud stub's arguments for its consumer mode on this broker.</summary>
    public IReadOnlyList<string> ConsumerArgs() =>
    [
        "--CloudStub:Mqtt:Host=127.0.0.1",
        $"--CloudStub:Mqtt:Port={Port}",
        $"--CloudStub:Mqtt:TrustedCaPath={CaPath}",
        $"--CloudStub:Mqtt:Username={ConsumerUser}",
        $"--CloudStub:Mqtt:Password={ConsumerPassword}",
    ];

    public async ValueTask DisposeAsync()
    {
        await Mosquitto.DisposeAsync().ConfigureAwait(false);
        _certificates.Dispose();
    }
}
