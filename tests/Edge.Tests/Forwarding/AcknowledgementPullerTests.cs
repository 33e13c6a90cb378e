using System.Net;
using System.Text;
using Eldercare.Edge.Gateway.Broker.Sessions;
using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Forwarding;
using Eldercare.Edge.Gateway.Metrics;
using Eldercare.Firmware.Core.Commands;
using Eldercare.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Eldercare.Edge.Tests.Forwarding;

/// <summary>
/// The downlink feed's configurations at the gateway: what the device's decoder accepts is queued for the device as it
/// came; another gateway's, an undecodable one or one for the gateway itself is refused with a reason and a counter.
/// </summary>
[TestClass]
[TestCategory("Unit")]
public sealed class AcknowledgementPullerTests
{
    [TestMethod]
    [Timeout(20_000, CooperativeCancellation = true)]
    public async Task Configurations_Valid_Queued_OthersRefusedWithTheirReason()
    {
        string good = CommandCodec.EncodeConfigToString(new DeviceConfig(2) { HeartbeatSeconds = 30 }, 1, "platform");
        string page = "{\"acks\":["
            + Item(1, "config:pendant-0001:2", "pendant-0001", "gw-01", good) + ","
            + Item(2, "config:pendant-0002:2", "pendant-0002", "gw-02", good) + ","
            + Item(3, "config:pendant-0003:2", "pendant-0003", "gw-01", "{\"v\":1,\"cmd\":\"config\",\"ts\":1,\"ver\":2,\"hb\":\"x\"}") + ","
            + Item(4, "config:gw-01:2", "gw-01", "gw-01", good)
            + "],\"next\":4}";
        var downlinks = new RecordingDownlinks();
        var metrics = new GatewayMetrics();
        using var directory = new TempDirectory("puller");
        using var http = new HttpClient(new OnePage(page));
        var puller = new AcknowledgementPuller(http, new ForwarderOptions { GatewayId = "gw-01", CloudUrl = "http://cloud.invalid" }, directory.Path,
            new PlatformFeedHandler("gw-01", downlinks, metrics, NullLogger<PlatformFeedHandler>.Instance), metrics, NullLogger<AcknowledgementPuller>.Instance, TimeProvider.System);

        await puller.StartAsync(CancellationToken.None);
        await Eventually.WaitAsync(() => puller.Cursor == 4, TimeSpan.FromSeconds(10), "the page handled");
        await puller.StopAsync(CancellationToken.None);

        Assert.AreEqual(("pendant-0001", good), downlinks.Queued.Single());
        Assert.AreEqual((1L, 1L, 1L, 1L), (metrics.ConfigurationsQueued, metrics.ConfigurationsRefused("other_gateway"), metrics.ConfigurationsRefused("bad_config"), metrics.ConfigurationsRefused("bad_device")));
        Assert.AreEqual("4", File.ReadAllText(Path.Combine(directory.Path, "acks.cursor")));
    }

    private static string Item(long seq, string id, string dev, string gateway, string payload) =>
        $"{{\"seq\":{seq},\"id\":\"{id}\",\"dev\":\"{dev}\",\"type\":\"config\",\"gateway\":\"{gateway}\",\"ts\":1,\"by\":\"platform\",\"payload\":{System.Text.Json.JsonSerializer.Serialize(payload)}}}";

    private sealed class RecordingDownlinks : IDownlinks
    {
        public List<(string Device, string Payload)> Queued { get; } = [];

        public Task<DownlinkOutcome> EnqueueAsync(string deviceId, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
        {
            lock (Queued)
            {
                Queued.Add((deviceId, Encoding.UTF8.GetString(payload.Span)));
            }

            return Task.FromResult(DownlinkOutcome.Queued);
        }
    }

    /// <summary>The platform: the page once, then an empty answer for every later poll.</summary>
    private sealed class OnePage(string page) : HttpMessageHandler
    {
        private int _calls;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _calls) > 1)
            {
                await Task.Delay(50, cancellationToken);
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{\"acks\":[],\"next\":4}", Encoding.UTF8, "application/json") };
            }

            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(page, Encoding.UTF8, "application/json") };
        }
    }
}
