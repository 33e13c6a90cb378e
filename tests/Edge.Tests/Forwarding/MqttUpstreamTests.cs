using Eldercare.CloudStub;
using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Forwarding;
using Eldercare.Edge.Tests.Support;
using Eldercare.Firmware.Core.Events;
using Eldercare.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;

namespace Eldercare.Edge.Tests.Forwarding;

/// <summary>
/// <see cref="MqttUpstream"/> against a real platform broker (mosquitto with TLS, a password file and an ACL:
/// <see cref="PlatformBroker"/>) and the cloud stub's consumer in-process: the answer rules with a real broker's PUBACKs.
/// </summary>
[TestClass]
[TestCategory("Upstream")]
public sealed class MqttUpstreamTests
{
    private const string Gateway = "gw-01";

    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public async Task SendAsync_PipelinedBatchToTheConsumer_AllAcceptedStoredOnceInOrderAndAResendIsDuplicates()
    {
        await using var platform = await StartBrokerAsync();
        using var directory = new TempDirectory("mqtt-upstream");
        await using var stub = await StartConsumerAsync(platform, directory);
        await using var upstream = Upstream(platform, Options(platform));
        var batch = Enumerable.Range(1, 1000).Select(seq => TestEvents.Record("pendant-1", seq, seq % 10 == 0 ? EventTypes.Sos : EventTypes.Heartbeat)).ToList();

        await upstream.WarmAsync(CancellationToken.None);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var answer = await upstream.SendAsync(batch, CancellationToken.None);
        var firstMs = clock.ElapsedMilliseconds;
        var again = await upstream.SendAsync(batch, CancellationToken.None);
        // A figure for docs/reliability.md: a batch's publishes are pipelined (one round trip each would be ~1000 x RTT).
        System.Console.WriteLine($"MQTT-UPSTREAM batch=1000 firstMs={firstMs} resendMs={clock.ElapsedMilliseconds - firstMs}");

        CollectionAssert.AreEqual(batch.Select(e => e.Id).ToArray(), answer.Accepted.ToArray(), "every PUBACK, in batch order");
        Assert.HasCount(1000, again.Accepted, "a resend is taken again (the consumer keeps one copy)");
        await Eventually.WaitAsync(() => stub.Counters.Duplicates >= 1000, TimeSpan.FromSeconds(30), "the resend seen as duplicates at the stub");
        var stored = await stub.Database.QueryAsync("pendant-1", null);
        Assert.HasCount(1000, stored);
        CollectionAssert.AreEqual(batch.Select(e => e.Id).ToArray(), stored.Select(e => e.Id).ToArray(), "stored in the device's order (per lane and across lanes: one stream)");
        Assert.AreEqual(100, stored.Count(e => e.Lane == EventTypes.AlarmLane));
    }

    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public async Task SendAsync_NobodySubscribed_NotMarkedUnlessConfiguredSo()
    {
        await using var platform = await StartBrokerAsync();
        await using var strict = Upstream(platform, Options(platform));
        await using var lenient = Upstream(platform, Options(platform, acceptWithoutSubscribers: true, clientId: "gw-01-lenient"));
        var batch = new[] { TestEvents.Record("pendant-2", 1) };

        var refused = await Assert.ThrowsExactlyAsync<UpstreamException>(() => strict.SendAsync(batch, CancellationToken.None));
        var answer = await lenient.SendAsync(batch, CancellationToken.None);

        StringAssert.Contains(refused.Message, "NoMatchingSubscribers");
        Assert.HasCount(1, answer.Accepted);
    }

    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public async Task SendAsync_WrongPasswordOrUntrustedCertificateOrAnotherGatewaysTopic_NothingTaken()
    {
        await using var platform = await StartBrokerAsync();
        using var directory = new TempDirectory("mqtt-upstream");
        await using var stub = await StartConsumerAsync(platform, directory);
        var batch = new[] { TestEvents.Record("pendant-3", 1) };
        await using var wrongPassword = Upstream(platform, Options(platform, password: "guess"));
        await using var untrusted = Upstream(platform, Options(platform, trustedCa: false));
        // Logged in as gw-01 but publishing as gw-02: the broker's ACL refuses that topic (PUBACK "not authorized").
        await using var impostor = new MqttUpstream(Options(platform), new ForwarderOptions { GatewayId = "gw-02" }, NullLogger<MqttUpstream>.Instance);

        var login = await Assert.ThrowsExactlyAsync<UpstreamException>(() => wrongPassword.SendAsync(batch, CancellationToken.None));
        var tls = await Assert.ThrowsExactlyAsync<UpstreamException>(() => untrusted.SendAsync(batch, CancellationToken.None));
        var acl = await Assert.ThrowsExactlyAsync<UpstreamException>(() => impostor.SendAsync(batch, CancellationToken.None));

        StringAssert.Contains(login.Message, "refused the gateway: NotAuthorized");
        StringAssert.Contains(tls.Message, "not reachable");
        // MQTT 5.0 section 3.3.4: a server that refuses a PUBLISH answers with a PUBACK reason code or closes the network
        // connection. mosquitto 2.0 sends PUBACK 0x87 (NotAuthorized) but was seen to close the link instead in
        // about half the runs; either way the event is not taken and goes again.
        Assert.IsTrue(acl.Message.Contains("NotAuthorized", StringComparison.Ordinal) || acl.Message.Contains("connection lost", StringComparison.Ordinal), acl.Message);
        Assert.IsEmpty(await stub.Database.QueryAsync("pendant-3", null));
        Assert.IsFalse(login.Message.Contains("guess", StringComparison.Ordinal), "the password is never in a message");
    }

    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public async Task SendAsync_BrokerRestartedBetweenBatches_ReconnectsOnTheNextSend()
    {
        await using var platform = await StartBrokerAsync();
        using var directory = new TempDirectory("mqtt-upstream");
        await using var stub = await StartConsumerAsync(platform, directory);
        await using var upstream = Upstream(platform, Options(platform));
        await upstream.SendAsync([TestEvents.Record("pendant-4", 1)], CancellationToken.None);

        await platform.Mosquitto.RestartGracefullyAsync();
        var answer = await Eventually.WaitAsync(async () =>
        {
            try
            {
                return await upstream.SendAsync([TestEvents.Record("pendant-4", 2)], CancellationToken.None);
            }
            catch (UpstreamException)
            {
                return null; // the connection's loss noticed by this send: the forwarder's retry sends again
            }
        }, a => a is not null, TimeSpan.FromSeconds(20), "a send accepted after the restart");

        Assert.HasCount(1, answer!.Accepted);
        await Eventually.WaitAsync(async () => (await stub.Database.QueryAsync("pendant-4", null)).Count, n => n == 2, TimeSpan.FromSeconds(20), "both at the stub");
    }

    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public async Task SendAsync_BrokerStalls_NothingMarkedLinkDroppedAndTheResendIsStoredOnce()
    {
        await using var platform = await StartBrokerAsync();
        using var directory = new TempDirectory("mqtt-upstream");
        await using var stub = await StartConsumerAsync(platform, directory);
        await using var upstream = new MqttUpstream(Options(platform), new ForwarderOptions { GatewayId = Gateway, RequestTimeoutMilliseconds = 500 }, NullLogger<MqttUpstream>.Instance);
        await upstream.WarmAsync(CancellationToken.None);
        Assert.IsTrue(upstream.IsConnected);
        var batch = Enumerable.Range(1, 50).Select(seq => TestEvents.Record("pendant-5", seq)).ToList();

        // SIGSTOP: the broker keeps its sockets but answers nothing, a stalled link as the gateway sees it.
        Signal("STOP", platform.Mosquitto.Process.Id);
        UpstreamException stalled;
        try
        {
            stalled = await Assert.ThrowsExactlyAsync<UpstreamException>(() => upstream.SendAsync(batch, CancellationToken.None));
        }
        finally
        {
            Signal("CONT", platform.Mosquitto.Process.Id);
        }

        var answer = await Eventually.WaitAsync(async () =>
        {
            try
            {
                return await upstream.SendAsync(batch, CancellationToken.None);
            }
            catch (UpstreamException)
            {
                return null;
            }
        }, a => a is not null, TimeSpan.FromSeconds(20), "the batch accepted once the broker answers again");

        StringAssert.Contains(stalled.Message, "PUBACKs missing after 500 ms");
        Assert.HasCount(50, answer!.Accepted);
        await Eventually.WaitAsync(async () => (await stub.Database.QueryAsync("pendant-5", null)).Count, n => n == 50, TimeSpan.FromSeconds(20), "all 50 at the stub");
        var stored = await stub.Database.QueryAsync("pendant-5", null);
        CollectionAssert.AreEqual(batch.Select(e => e.Id).ToArray(), stored.Select(e => e.Id).ToArray(), "once each, in order, whichever copy came first");
    }

    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public async Task Consumer_MalformedMessages_RefusedCountedAcknowledgedAndTheNextEventStored()
    {
        await using var platform = await StartBrokerAsync();
        using var directory = new TempDirectory("mqtt-upstream");
        await using var stub = await StartConsumerAsync(platform, directory);
        using var raw = new MqttClientFactory().CreateMqttClient();
        var trust = new UpstreamTrust(platform.CaPath, null);
        await raw.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", platform.Port).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithCredentials(Gateway, platform.GatewayPassword).WithTlsOptions(t => t.UseTls().WithTargetHost("127.0.0.1").WithCertificateValidationHandler(a => trust.Accepts(a.Certificate, a.SslPolicyErrors))).Build());
        var good = TestEvents.Record("pendant-7", 1, EventTypes.Sos);
        var goodJson = UpstreamEventJson.ToUtf8(good);
        (string Topic, byte[] Payload)[] messages =
        [
            (Topics.PlatformEvents(Gateway, EventTypes.AlarmLane), "not json"u8.ToArray()),
            (Topics.PlatformEvents(Gateway, EventTypes.AlarmLane), "{\"id\":\"pendant-7:1:9\"}"u8.ToArray()),
            (Topics.PlatformEvents(Gateway, "telemetry"), goodJson),
            (Topics.PlatformEvents(Gateway, EventTypes.AlarmLane), goodJson),
        ];

        foreach (var (topic, payload) in messages)
        {
            var result = await raw.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build());
            Assert.IsTrue(result.IsSuccess, result.ReasonCode.ToString());
        }

        await Eventually.WaitAsync(() => stub.Consumer!.Acknowledged >= messages.Length, TimeSpan.FromSeconds(20), "every message acknowledged by the consumer");

        Assert.AreEqual(1, stub.Counters.Refused("malformed_json"));
        Assert.AreEqual(1, stub.Counters.Refused("bad_field"));
        Assert.AreEqual(1, stub.Counters.Refused("bad_lane"), "an alarm on the telemetry topic");
        var stored = await stub.Database.QueryAsync("pendant-7", null);
        Assert.HasCount(1, stored);
        Assert.AreEqual(good.Id, stored[0].Id);
    }

    [TestMethod]
    [Timeout(30_000, CooperativeCancellation = true)]
    public async Task SendAsync_NoBrokerListening_NotReachableAndWarmDoesNotThrow()
    {
        var options = new MqttUpstreamOptions { Host = "127.0.0.1", Port = FreePort.Next(), UseTls = false, ConnectTimeoutMilliseconds = 2000 };
        await using var upstream = new MqttUpstream(options, new ForwarderOptions(), NullLogger<MqttUpstream>.Instance);

        await upstream.WarmAsync(CancellationToken.None);
        var refused = await Assert.ThrowsExactlyAsync<UpstreamException>(() => upstream.SendAsync([TestEvents.Record("pendant-6", 1)], CancellationToken.None));

        StringAssert.Contains(refused.Message, $"platform broker 127.0.0.1:{options.Port} not reachable");
        Assert.IsFalse(upstream.IsConnected);
    }

    private static void Signal(string signal, int pid)
    {
        using var kill = System.Diagnostics.Process.Start("kill", ["-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.AreEqual(0, kill.ExitCode, $"kill -{signal} {pid}");
    }

    private static async Task<PlatformBroker> StartBrokerAsync()
    {
        if (!MosquittoProcess.IsInstalled)
        {
            Assert.Inconclusive("mosquitto is not installed (apt-get install -y mosquitto)");
        }

        return await PlatformBroker.StartAsync(Gateway);
    }

    private static async Task<CloudStubHost> StartConsumerAsync(PlatformBroker platform, TempDirectory directory)
    {
        var stub = CloudStubHost.Create(["--urls=http://127.0.0.1:0", $"--CloudStub:DataDirectory={directory.Path}", "--CloudStub:PrintAlarms=false", .. platform.ConsumerArgs()], contentRoot: directory.Path);
        await stub.StartAsync();
        await stub.Consumer!.Subscribed.WaitAsync(TimeSpan.FromSeconds(20));
        return stub;
    }

    private static MqttUpstreamOptions Options(PlatformBroker platform, bool acceptWithoutSubscribers = false, string? clientId = null, string? password = null, bool trustedCa = true) => new()
    {
        Host = "127.0.0.1",
        Port = platform.Port,
        TrustedCaPath = trustedCa ? platform.CaPath : null,
        Username = Gateway,
        Password = password ?? platform.GatewayPassword,
        ClientId = clientId,
        AcceptWithoutSubscribers = acceptWithoutSubscribers,
    };

    private static MqttUpstream Upstream(PlatformBroker platform, MqttUpstreamOptions options) =>
        new(options, new ForwarderOptions { GatewayId = platform.GatewayId }, NullLogger<MqttUpstream>.Instance);
}
