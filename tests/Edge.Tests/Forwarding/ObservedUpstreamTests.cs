using System.Net.Sockets;
using System.Security.Authentication;
using Eldercare.Edge.Gateway.Forwarding;
using Eldercare.Edge.Gateway.Metrics;
using Eldercare.Edge.Gateway.Store;
using Eldercare.Edge.Tests.Support;
using Eldercare.Firmware.Core.Events;
using Microsoft.Extensions.Time.Testing;

namespace Eldercare.Edge.Tests.Forwarding;

[TestClass]
[TestCategory("Unit")]
public sealed class ObservedUpstreamTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
    private readonly UpstreamMetrics _metrics = new();

    [TestMethod]
    public async Task SendAsync_Answered_LatencyStateAndEventsOutByLaneAndType()
    {
        var inner = new ScriptedUpstream(_time, TimeSpan.FromMilliseconds(30));
        var observed = new ObservedUpstream(inner, _metrics, _time);
        IReadOnlyList<EventRecord> batch = [TestEvents.Record("pendant-0001", 1, EventTypes.Sos), TestEvents.Record("pendant-0002", 1, EventTypes.Fall)];
        inner.Accept = [batch[0].Id]; // the second goes again later

        await observed.SendAsync(batch, CancellationToken.None);

        Assert.AreEqual(1L, _metrics.Sends("scripted", "alarm"));
        Assert.AreEqual(1L, _metrics.EventsOut.Get("alarm", EventTypes.Sos));
        Assert.AreEqual(0L, _metrics.EventsOut.Get("alarm", EventTypes.Fall), "only what the upstream confirmed is out");
        var text = _metrics.ToPrometheusText();
        StringAssert.Contains(text, "gateway_upstream_send_seconds_bucket{kind=\"scripted\",lane=\"alarm\",le=\"0.025\"} 0\n");
        StringAssert.Contains(text, "gateway_upstream_send_seconds_bucket{kind=\"scripted\",lane=\"alarm\",le=\"0.05\"} 1\n");
        StringAssert.Contains(text, "gateway_upstream_send_seconds_bucket{kind=\"scripted\",lane=\"alarm\",le=\"+Inf\"} 1\n");
        StringAssert.Contains(text, "gateway_upstream_send_seconds_sum{kind=\"scripted\",lane=\"alarm\"} 0.03\n");
        StringAssert.Contains(text, "gateway_upstream_up{kind=\"scripted\"} 1\n");
        StringAssert.Contains(text, "gateway_upstream_state{kind=\"scripted\",state=\"up\"} 1\n");
        StringAssert.Contains(text, "gateway_events_forwarded_total{lane=\"alarm\",type=\"sos\"} 1\n");
    }

    [TestMethod]
    public void Registered_BeforeAnySend_StateUnknown()
    {
        _ = new ObservedUpstream(new ScriptedUpstream(_time, TimeSpan.Zero), _metrics, _time);

        var text = _metrics.ToPrometheusText();

        StringAssert.Contains(text, "gateway_upstream_state{kind=\"scripted\",state=\"unknown\"} 1\n");
        Assert.IsFalse(text.Contains("gateway_upstream_up{", StringComparison.Ordinal), "no up/down before the first send");
    }

    [TestMethod]
    [DataRow("socket", UpstreamErrorKind.Connection)]
    [DataRow("timeout", UpstreamErrorKind.Timeout)]
    [DataRow("status", UpstreamErrorKind.Answer)]
    [DataRow("tls", UpstreamErrorKind.Tls)]
    [DataRow("bug", UpstreamErrorKind.Other)]
    public async Task SendAsync_Failed_DownWithTheErrorKindPerLane(string failure, string expectedKind)
    {
        var inner = new ScriptedUpstream(_time, TimeSpan.Zero)
        {
            Throw = failure switch
            {
                "socket" => new HttpRequestException("Connection refused (127.0.0.1:9)", new SocketException((int)SocketError.ConnectionRefused)),
                "timeout" => new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout"),
                "status" => new UpstreamException("upstream answered 503 Service Unavailable"),
                "tls" => new HttpRequestException("The SSL connection could not be established", new AuthenticationException("remote certificate is invalid")),
                _ => new InvalidOperationException("a bug"),
            },
        };
        var observed = new ObservedUpstream(inner, _metrics, _time);

        var thrown = await CatchAsync(() => observed.SendAsync([TestEvents.Record("pendant-0001", 1, EventTypes.Heartbeat)], CancellationToken.None));

        Assert.AreSame(inner.Throw, thrown, "passed on unchanged: the forwarder's retry decides");

        var state = _metrics.States().Single();
        Assert.AreEqual(false, state.Up);
        Assert.AreEqual(expectedKind, state.LastError);
        Assert.AreEqual(1L, _metrics.Errors("scripted", "telemetry", expectedKind));
        StringAssert.Contains(_metrics.ToPrometheusText(), $"gateway_upstream_last_error{{kind=\"scripted\",error=\"{expectedKind}\"}} 1\n");
    }

    [TestMethod]
    public async Task SendAsync_DownThenAnswered_UpAgainLastErrorKept()
    {
        var inner = new ScriptedUpstream(_time, TimeSpan.Zero) { Throw = new UpstreamException("upstream answered 500") };
        var observed = new ObservedUpstream(inner, _metrics, _time);
        var batch = new[] { TestEvents.Record("pendant-0001", 1) };
        await Assert.ThrowsExactlyAsync<UpstreamException>(() => observed.SendAsync(batch, CancellationToken.None));
        inner.Throw = null;
        _time.Advance(TimeSpan.FromSeconds(5));

        await observed.SendAsync(batch, CancellationToken.None);

        var state = _metrics.States().Single();
        Assert.AreEqual(true, state.Up);
        Assert.AreEqual(UpstreamErrorKind.Answer, state.LastError);
        Assert.AreEqual(_time.GetUtcNow().ToUnixTimeMilliseconds(), state.ChangedAtUnixMilliseconds);
    }

    [TestMethod]
    public async Task SendAsync_CancelledByTheGateway_NotCountedAsAnUpstreamFailure()
    {
        using var stopping = new CancellationTokenSource();
        await stopping.CancelAsync();
        var inner = new ScriptedUpstream(_time, TimeSpan.Zero) { Throw = new OperationCanceledException(stopping.Token) };
        var observed = new ObservedUpstream(inner, _metrics, _time);

        await Assert.ThrowsExactlyAsync<OperationCanceledException>(() => observed.SendAsync([TestEvents.Record("pendant-0001", 1)], stopping.Token));

        Assert.IsNull(_metrics.States().Single().Up);
    }

    [TestMethod]
    public void KindOf_UpstreamTypeName_LowerCaseWithoutSuffix()
    {
        Assert.AreEqual("jetstream", ObservedUpstream.KindOf(new JetStreamUpstream()));
        Assert.AreEqual("scripted", ObservedUpstream.KindOf(new ScriptedUpstream(_time, TimeSpan.Zero)));
    }

    private static async Task<Exception?> CatchAsync(Func<Task> action)
    {
        try
        {
            await action();
            return null;
        }
        catch (Exception exception)
        {
            return exception;
        }
    }

    /// <summary>Answers after moving the fake clock (its latency), or throws what it is told.</summary>
    private sealed class ScriptedUpstream(FakeTimeProvider time, TimeSpan latency) : IUpstream
    {
        public Exception? Throw { get; set; }

        public IReadOnlyList<string>? Accept { get; set; }

        public Task<UpstreamAnswer> SendAsync(IReadOnlyList<EventRecord> batch, CancellationToken cancellationToken)
        {
            time.Advance(latency);
            return Throw is { } exception
                ? Task.FromException<UpstreamAnswer>(exception)
                : Task.FromResult(new UpstreamAnswer(Accept ?? batch.Select(e => e.Id).ToList(), []));
        }
    }

    private sealed class JetStreamUpstream : IUpstream
    {
        public Task<UpstreamAnswer> SendAsync(IReadOnlyList<EventRecord> batch, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
