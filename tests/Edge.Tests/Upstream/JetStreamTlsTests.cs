using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Forwarding;
using Eldercare.Edge.Gateway.Hosting;
using Eldercare.Edge.Tests.Support;
using Eldercare.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Eldercare.Edge.Tests.Upstream;

/// <summary>
/// The JetStream upstream over TLS with a user and password, connected exactly as the gateway connects
/// (<see cref="UpstreamSetup.JetStreamConnectionOptions"/>) to a real nats-server that speaks only TLS and lets in one
/// user: with the CA and the right password events are stored; with a wrong password, or without the CA that signed the
/// server's certificate, nothing is stored and the send fails as a retry (an exception within the ack timeout), never
/// as accepted.
/// </summary>
[TestClass]
[TestCategory("Upstream")]
public sealed class JetStreamTlsTests
{
    private static readonly NatsSecurity Gateway = new("gw-07", "gw-07-secret");

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public async Task TlsAndPassword_GatewayConnectionOptions_EventsStoredOncePerId()
    {
        await using var nats = await StartSecuredAsync();
        var options = Options(nats, Gateway.Password, nats.CaPath);
        Assert.IsEmpty(options.Validate("gw-07").ToList());
        await PrepareStreamAsync(nats);
        await using var connection = new NatsConnection(UpstreamSetup.JetStreamConnectionOptions(options, "gw-07", NullLoggerFactory.Instance));
        var upstream = new JetStreamUpstream(connection, "gw-07", options);
        var batch = Enumerable.Range(1, 30).Select(seq => TestEvents.Record($"pendant-{seq % 3:0000}", seq)).ToList();

        var answer = await upstream.SendAsync(batch, TestContext.CancellationToken);

        CollectionAssert.AreEquivalent(batch.Select(e => e.Id).ToList(), answer.Accepted.ToList());
        Assert.IsTrue(connection.ServerInfo?.TlsRequired == true, "the server the gateway talked to requires TLS");
        Assert.AreEqual(30L, await StoredAsync(nats));
    }

    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public async Task WrongPassword_NothingStored_SendFailsAsARetry()
    {
        await using var nats = await StartSecuredAsync();
        await PrepareStreamAsync(nats);
        var options = Options(nats, "not-the-password", nats.CaPath);
        await using var connection = new NatsConnection(UpstreamSetup.JetStreamConnectionOptions(options, "gw-07", NullLoggerFactory.Instance));
        var upstream = new JetStreamUpstream(connection, "gw-07", options);

        await Assert.ThrowsExactlyAsync<UpstreamException>(() => upstream.SendAsync([TestEvents.Record("pendant-0001", 1)], TestContext.CancellationToken));

        Assert.AreEqual(0L, await StoredAsync(nats), "a refused login stores nothing");
    }

    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public async Task ServerCertificateNotTrusted_NothingStored_SendFailsAsARetry()
    {
        await using var nats = await StartSecuredAsync();
        await PrepareStreamAsync(nats);
        // No TrustedCaPath: the system's CAs, which never signed the test server's certificate.
        var options = Options(nats, Gateway.Password, caPath: null);
        await using var connection = new NatsConnection(UpstreamSetup.JetStreamConnectionOptions(options, "gw-07", NullLoggerFactory.Instance));
        var upstream = new JetStreamUpstream(connection, "gw-07", options);

        await Assert.ThrowsExactlyAsync<UpstreamException>(() => upstream.SendAsync([TestEvents.Record("pendant-0001", 1)], TestContext.CancellationToken));

        Assert.AreEqual(0L, await StoredAsync(nats), "no handshake, nothing stored");
        Assert.AreNotEqual(NatsConnectionState.Open, connection.ConnectionState, "the untrusted server was never connected to");
    }

    private static JetStreamUpstreamOptions Options(NatsCluster nats, string password, string? caPath) => new()
    {
        Url = nats.Url,
        Username = Gateway.Username,
        Password = password,
        TrustedCaPath = caPath,
        AckTimeoutMilliseconds = 2_000,
    };

    private static async Task<NatsCluster> StartSecuredAsync()
    {
        if (!NatsCluster.IsInstalled)
        {
            Assert.Fail("nats-server is not installed (./test.sh installs it: apt-get install -y nats-server)");
        }

        return await NatsCluster.StartSecuredAsync(Gateway);
    }

    /// <summary>The platform's side: a connection that trusts the CA and logs in correctly.</summary>
    private static NatsConnection Admin(NatsCluster nats) => new(new NatsOpts
    {
        Url = nats.Url,
        AuthOpts = NatsAuthOpts.Default with { Username = Gateway.Username, Password = Gateway.Password },
        TlsOpts = NatsTlsOpts.Default with { CaFile = nats.CaPath },
        RequestTimeout = TimeSpan.FromSeconds(5),
    });

    private async Task PrepareStreamAsync(NatsCluster nats)
    {
        await using var admin = Admin(nats);
        await CreateStreamAsync(new NatsJSContext(admin), TestContext.CancellationToken);
    }

    private static async Task CreateStreamAsync(NatsJSContext js, CancellationToken cancellationToken) =>
        await js.CreateStreamAsync(
            new StreamConfig(JetStreamSubjects.EventsStream, [JetStreamSubjects.AllEvents])
            {
                NumReplicas = 1,
                Storage = StreamConfigStorage.File,
                DuplicateWindow = TimeSpan.FromMinutes(2),
            },
            cancellationToken);

    private async Task<long> StoredAsync(NatsCluster nats)
    {
        await using var admin = Admin(nats);
        var stream = await new NatsJSContext(admin).GetStreamAsync(JetStreamSubjects.EventsStream, cancellationToken: TestContext.CancellationToken);
        return stream.Info.State.Messages;
    }
}
