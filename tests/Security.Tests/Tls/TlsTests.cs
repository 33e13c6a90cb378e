using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Eldercare.CloudStub;
using Eldercare.Edge.Gateway.Broker;
using Eldercare.Edge.Gateway.Hosting;
using Eldercare.Edge.Gateway.Registry;
using Eldercare.Security.Tests.Support;
using Eldercare.TestSupport;
using MQTTnet;

namespace Eldercare.Security.Tests.Tls;

/// <summary>TLS on the device listener (MQTTnet client trusting a generated certificate) and on the upstream link (https cloud stub).</summary>
[TestClass]
[TestCategory("Security")]
public sealed class TlsTests
{
    private const string PfxPassword = "pfx-pass-5e2b";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    [TestMethod]
    public async Task DeviceListener_TlsOnlyWithGeneratedCertificate_SosStoredPlainPortClosedUntrustedClientRefused()
    {
        using var directory = new TempDirectory("tls");
        using var certificate = TestCertificates.CreateSelfSigned();
        var pfx = TestCertificates.WritePfx(certificate, directory.Path, PfxPassword);
        var tlsPort = FreePort.Next();
        await using var stack = await SecurityStack.StartAsync(false, ["tls-0001"],
            "--Gateway:Mqtt:PlainEnabled=false", $"--Gateway:Mqtt:TlsPort={tlsPort}", $"--Gateway:Mqtt:TlsCertificatePath={pfx}", $"--Gateway:Mqtt:TlsCertificatePassword={PfxPassword}");
        var trusting = new MqttClientTlsOptionsBuilder()
            .UseTls()
            .WithTargetHost("127.0.0.1")
            .WithCertificateValidationHandler(c => c.Certificate is not null && new X509Certificate2(c.Certificate).Thumbprint == certificate.Thumbprint)
            .Build();

        await using var device = await Device.ConnectAsync(tlsPort, "tls-0001", SecurityStack.SecretOf("tls-0001"), tls: trusting);
        var sos = Device.Event("tls-0001", 1);
        var ack = await device.PublishAsync(sos);

        Assert.IsTrue(ack.IsSuccess, ack.ReasonCode.ToString());
        await Eventually.WaitAsync(async () => await stack.CloudCountAsync("tls-0001"), n => n == 1, Timeout, "the SOS at the cloud");
        await Assert.ThrowsAsync<System.Net.Sockets.SocketException>(async () =>
        {
            using var plain = new System.Net.Sockets.TcpClient();
            await plain.ConnectAsync("127.0.0.1", stack.MqttPort);
        }, "no plain listener when PlainEnabled=false");

        // A client that does not trust the certificate gives up in the handshake (client side).
        var strict = new MqttClientTlsOptionsBuilder().UseTls().WithTargetHost("127.0.0.1").Build();
        await Assert.ThrowsAsync<Exception>(async () => await Device.ConnectAsync(tlsPort, "tls-0001", SecurityStack.SecretOf("tls-0001"), tls: strict));

        // Plain MQTT on the TLS port: the gateway's handshake fails, it is counted and logged, the socket closed.
        var before = stack.Gateway.Metrics.Rejected(BrokerRejectReasons.TlsHandshakeFailed);
        await using var raw = await RawMqtt.OpenAsync(tlsPort);
        await raw.SendAsync(RawMqtt.Connect("tls-0001", "tls-0001", SecurityStack.SecretOf("tls-0001")));
        Assert.IsTrue(await raw.WaitClosedAsync(Timeout));
        await stack.AssertRejectedAsync("127.0.0.1:", BrokerRejectReasons.TlsHandshakeFailed, before);
    }

    [TestMethod]
    [DataRow("ca", true, DisplayName = "trusted CA file")]
    [DataRow("pin", true, DisplayName = "pinned SHA-256 thumbprint")]
    [DataRow("none", false, DisplayName = "no trust configured")]
    public async Task Upstream_HttpsCloudStub_DeliveredOnlyWhenTrusted(string trust, bool delivered)
    {
        using var directory = new TempDirectory("tls-up");
        using var certificate = TestCertificates.CreateSelfSigned("cloud-stub");
        var pfx = TestCertificates.WritePfx(certificate, directory.Path, PfxPassword);
        var pem = TestCertificates.WritePem(certificate, directory.Path);
        var cloud = CloudStubHost.Create(
        [
            "--urls=https://127.0.0.1:0", $"--CloudStub:DataDirectory={directory.File("cloud")}", "--CloudStub:PrintAlarms=false", "--CloudStub:ApiKey=up-key-41",
            $"--Kestrel:Certificates:Default:Path={pfx}", $"--Kestrel:Certificates:Default:Password={PfxPassword}",
        ], contentRoot: directory.Path);
        await using var _ = cloud;
        await cloud.StartAsync();
        Assert.StartsWith("https://", cloud.Url);
        var registry = directory.File("devices.json");
        DeviceRegistryFile.Upsert(registry, [SecretHasher.CreateRecord("up-0001", "s-up", iterations: 1000)]);
        var port = FreePort.Next();
        string[] trustArgs = trust switch
        {
            "ca" => [$"--Gateway:UpstreamTls:TrustedCaPath={pem}"],
            "pin" => [$"--Gateway:UpstreamTls:PinnedThumbprintSha256={Convert.ToHexString(SHA256.HashData(certificate.RawData))}"],
            _ => [],
        };
        await using var gateway = GatewayHost.Create(
        [
            "--Gateway:Mqtt:BindAddress=127.0.0.1", $"--Gateway:Mqtt:Port={port}", "--Gateway:Http:BindAddress=127.0.0.1", "--Gateway:Http:Port=0",
            $"--Gateway:Store:DataDirectory={directory.File("gw")}", $"--Gateway:Registry:Path={registry}", $"--Gateway:Forwarder:CloudUrl={cloud.Url}",
            "--Gateway:Forwarder:ApiKey=up-key-41", "--Gateway:Forwarder:MaxBackoffMilliseconds=100", .. trustArgs,
        ], contentRoot: directory.Path);
        await gateway.StartAsync();
        await using var device = await Device.ConnectAsync(port, "up-0001", "s-up");

        await device.PublishAsync(Device.Event("up-0001", 1));

        if (delivered)
        {
            await Eventually.WaitAsync(async () => (await cloud.Database.QueryAsync("up-0001", null)).Count, n => n == 1, Timeout, "the SOS at the https cloud");
        }
        else
        {
            await Eventually.WaitAsync(() => gateway.Metrics.ForwardFailures >= 2, Timeout, "forward failures (untrusted certificate)");
            Assert.IsEmpty(await cloud.Database.QueryAsync("up-0001", null));
        }

        await gateway.StopAsync();
    }
}
