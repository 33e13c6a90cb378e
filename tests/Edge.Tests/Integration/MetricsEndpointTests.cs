using System.Globalization;
using Eldercare.Edge.Gateway.Ingest;
using Eldercare.Edge.Tests.Support;
using Eldercare.Firmware.Core.Events;
using Eldercare.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Eldercare.Edge.Tests.Integration;

/// <summary>/metrics over HTTP after events went through an in-process gateway to the cloud stub: in and out by lane
/// and type, the upstream's state and latency per lane, each lane's backlog.</summary>
[TestClass]
[TestCategory("Integration")]
public sealed class MetricsEndpointTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [TestMethod]
    public async Task Metrics_EventsThroughToTheCloud_EveryLaneAndTheUpstreamCovered()
    {
        await using var stack = await EdgeStack.StartEmbeddedAsync(["pendant-0001", "kiosk-0001"]);
        using var http = new HttpClient();
        var url = $"http://127.0.0.1:{stack.Gateway.HttpPort}/metrics";
        var ingest = stack.Gateway.Services.GetRequiredService<EventIngestor>();
        await IngestAsync(ingest, TestEvents.Make("pendant-0001", 1, EventTypes.Sos));
        await IngestAsync(ingest, TestEvents.Make("pendant-0001", 2, EventTypes.Heartbeat));
        await IngestAsync(ingest, TestEvents.Make("pendant-0001", 3, EventTypes.Heartbeat));
        await stack.WaitForCloudEventsAsync("pendant-0001", 3);

        // The lanes' backlog is read at most once a second (LaneDepthReader): the marks' commit shows within that.
        var text = await Eventually.WaitAsync(() => http.GetStringAsync(url),
            t => Value(t, "gateway_events_forwarded_total{lane=\"telemetry\",type=\"heartbeat\"}") == 2 && Value(t, "gateway_store_pending_events{lane=\"telemetry\"}") == 0,
            Timeout, "both heartbeats counted out and marked");

        Assert.AreEqual(1, Value(text, "gateway_events_stored_total{lane=\"alarm\",type=\"sos\"}"));
        Assert.AreEqual(2, Value(text, "gateway_events_stored_total{lane=\"telemetry\",type=\"heartbeat\"}"));
        Assert.AreEqual(1, Value(text, "gateway_events_forwarded_total{lane=\"alarm\",type=\"sos\"}"));
        Assert.AreEqual(1, Value(text, "gateway_upstream_up{kind=\"http\"}"));
        Assert.AreEqual(1, Value(text, "gateway_upstream_state{kind=\"http\",state=\"up\"}"));
        Assert.IsTrue(Value(text, "gateway_upstream_send_seconds_count{kind=\"http\",lane=\"alarm\"}") >= 1, text);
        Assert.IsTrue(Value(text, "gateway_upstream_send_seconds_count{kind=\"http\",lane=\"telemetry\"}") >= 1, text);
        foreach (var lane in new[] { "alarm", "service", "telemetry" })
        {
            Assert.AreEqual(0, Value(text, $"gateway_store_pending_events{{lane=\"{lane}\"}}"), lane);
            Assert.AreEqual(0, Value(text, $"gateway_store_oldest_pending_age_seconds{{lane=\"{lane}\"}}"), lane);
        }

        StringAssert.Contains(text, "# TYPE gateway_upstream_send_seconds histogram\n");
    }

    private static async Task IngestAsync(EventIngestor ingest, DeviceEvent e)
    {
        var result = await ingest.IngestAsync(e.DeviceId, EventCodec.Encode(e), CancellationToken.None);
        Assert.AreEqual(IngestOutcome.Stored, result.Outcome);
    }

    /// <summary>The value of one series (name with its labels, as written); -1 when absent.</summary>
    private static double Value(string text, string series)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }
}
