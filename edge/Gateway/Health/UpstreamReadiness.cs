using Eldercare.Edge.Gateway.Metrics;

namespace Eldercare.Edge.Gateway.Health;

/// <summary>
/// Is the upstream reachable, or why not: down after a failed send (its error's kind and message, since when), up
/// after an answered one, unknown before the first send (ready: nothing says otherwise, and an idle gateway sends
/// nothing). Not ready while down: the gateway still takes and stores events (store and forward), but an operator or an
/// orchestrator must see that nothing leaves.
/// </summary>
public sealed class UpstreamReadiness(UpstreamMetrics upstream, TimeProvider time)
{
    public ReadinessFinding Check()
    {
        var states = upstream.States();
        if (states.Count == 0)
        {
            return ReadinessFinding.Ok("no upstream registered");
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var details = new List<string>(states.Count);
        var ready = true;
        foreach (var state in states)
        {
            var since = Math.Max(0, now - state.ChangedAtUnixMilliseconds) / 1000;
            switch (state.Up)
            {
                case null:
                    details.Add($"{state.Kind}: nothing sent yet");
                    break;
                case true:
                    details.Add($"{state.Kind}: up for {since} s");
                    break;
                default:
                    ready = false;
                    details.Add($"{state.Kind}: down for {since} s, last error {state.LastError}: {state.LastErrorDetail}");
                    break;
            }
        }

        return new ReadinessFinding(ready, string.Join("; ", details));
    }
}
