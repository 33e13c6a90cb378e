using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Eldercare.Edge.Gateway.Metrics;

/// <summary>
/// What the upstream did, per upstream kind (<c>http</c>, and whatever kind the forwarder is configured with) and lane:
/// its state (unknown until the first send, then up or down by the last send's outcome) and the last error's kind,
/// send latency (histogram, answered sends), failed sends by error kind, and the events it confirmed by lane and type
/// (the "out" of events in and out). Fed by <see cref="Forwarding.ObservedUpstream"/>, read by /metrics and
/// /health/ready.
/// </summary>
public sealed class UpstreamMetrics
{
    private readonly ConcurrentDictionary<string, KindState> _kinds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Kind, string Lane), LatencyHistogram> _latency = new();
    private readonly ConcurrentDictionary<(string Kind, string Lane, string Error), Box> _errors = new();

    /// <summary>Events the upstream confirmed (stored or duplicate at the platform), by lane and type.</summary>
    public LaneTypeCounters EventsOut { get; } = new();

    /// <summary>Makes the kind known (state unknown) before its first send, so /metrics and /health show it from the start.</summary>
    public void Register(string kind) => _kinds.GetOrAdd(kind, static _ => new KindState());

    public void Succeeded(string kind, string lane, TimeSpan elapsed, long atUnixMilliseconds)
    {
        _latency.GetOrAdd((kind, lane), static _ => new LatencyHistogram()).Observe(elapsed);
        var state = _kinds.GetOrAdd(kind, static _ => new KindState());
        lock (state)
        {
            if (state.Up != true)
            {
                state.ChangedAtUnixMilliseconds = atUnixMilliseconds;
            }

            state.Up = true;
        }
    }

    /// <param name="error">The error's kind (<see cref="Forwarding.UpstreamErrorKind"/>): a bounded label.</param>
    /// <param name="detail">The error's message, escaped by the caller: shown by /health/ready, never a label.</param>
    public void Failed(string kind, string lane, string error, string detail, long atUnixMilliseconds)
    {
        Interlocked.Increment(ref _errors.GetOrAdd((kind, lane, error), static _ => new Box()).Value);
        var state = _kinds.GetOrAdd(kind, static _ => new KindState());
        lock (state)
        {
            if (state.Up != false)
            {
                state.ChangedAtUnixMilliseconds = atUnixMilliseconds;
            }

            state.Up = false;
            state.LastError = error;
            state.LastErrorDetail = detail;
        }
    }

    /// <summary>Every known kind's state now.</summary>
    public IReadOnlyList<UpstreamState> States() =>
        _kinds.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p =>
        {
            lock (p.Value)
            {
                return new UpstreamState(p.Key, p.Value.Up, p.Value.LastError, p.Value.LastErrorDetail, p.Value.ChangedAtUnixMilliseconds);
            }
        }).ToList();

    public long Errors(string kind, string lane, string error) => _errors.TryGetValue((kind, lane, error), out var box) ? Interlocked.Read(ref box.Value) : 0;

    public long Sends(string kind, string lane) => _latency.TryGetValue((kind, lane), out var histogram) ? histogram.Count : 0;

    public string ToPrometheusText()
    {
        var text = new StringBuilder(2048);
        var states = States();
        text.Append("# HELP gateway_upstream_up 1 while the upstream's last send succeeded, 0 after a failed one (absent before the first).\n# TYPE gateway_upstream_up gauge\n");
        foreach (var state in states.Where(s => s.Up is not null))
        {
            text.Append("gateway_upstream_up{kind=\"").Append(state.Kind).Append("\"} ").Append(state.Up == true ? '1' : '0').Append('\n');
        }

        text.Append("# HELP gateway_upstream_state The upstream's state, one series per state set to 1 (unknown before the first send).\n# TYPE gateway_upstream_state gauge\n");
        foreach (var state in states)
        {
            foreach (var name in new[] { "unknown", "up", "down" })
            {
                text.Append("gateway_upstream_state{kind=\"").Append(state.Kind).Append("\",state=\"").Append(name).Append("\"} ")
                    .Append(state.Name == name ? '1' : '0').Append('\n');
            }
        }

        text.Append("# HELP gateway_upstream_last_error The kind of the upstream's last failed send (1), kept after it recovers.\n# TYPE gateway_upstream_last_error gauge\n");
        foreach (var state in states.Where(s => s.LastError is not null))
        {
            text.Append("gateway_upstream_last_error{kind=\"").Append(state.Kind).Append("\",error=\"").Append(state.LastError).Append("\"} 1\n");
        }

        text.Append("# HELP gateway_upstream_errors_total Upstream sends that failed (retried), by upstream kind, lane and error kind.\n# TYPE gateway_upstream_errors_total counter\n");
        foreach (var pair in _errors.OrderBy(p => p.Key.Kind, StringComparer.Ordinal).ThenBy(p => p.Key.Lane, StringComparer.Ordinal).ThenBy(p => p.Key.Error, StringComparer.Ordinal))
        {
            text.Append("gateway_upstream_errors_total{kind=\"").Append(pair.Key.Kind).Append("\",lane=\"").Append(pair.Key.Lane).Append("\",error=\"").Append(pair.Key.Error).Append("\"} ")
                .Append(Interlocked.Read(ref pair.Value.Value).ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        text.Append("# HELP gateway_upstream_send_seconds Time from a batch handed to the upstream to its answer (answered sends), by upstream kind and lane.\n# TYPE gateway_upstream_send_seconds histogram\n");
        foreach (var pair in _latency.OrderBy(p => p.Key.Kind, StringComparer.Ordinal).ThenBy(p => p.Key.Lane, StringComparer.Ordinal))
        {
            pair.Value.AppendPrometheus(text, "gateway_upstream_send_seconds", $"kind=\"{pair.Key.Kind}\",lane=\"{pair.Key.Lane}\"");
        }

        EventsOut.AppendPrometheus(text, "gateway_events_forwarded_total", "Events the upstream confirmed (stored or duplicate), by lane and type.");
        return text.ToString();
    }

    private sealed class KindState
    {
        public bool? Up;
        public string? LastError;
        public string? LastErrorDetail;
        public long ChangedAtUnixMilliseconds;
    }

    private sealed class Box
    {
        public long Value;
    }
}
