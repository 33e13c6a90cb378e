using Eldercare.Edge.Gateway.Metrics;
using Eldercare.Edge.Gateway.Store;
using Eldercare.Firmware.Core.Text;
using Microsoft.Extensions.Logging;

namespace Eldercare.Edge.Gateway.Forwarding;

/// <summary>
/// The partial-answer rule and what the streams count and log: the part of the upstream's answer about a batch
/// (accepted: stored or duplicate, done; rejected: never accepted, kept and not resent; neither: sent again), and a
/// line per confirmed batch.
/// </summary>
public sealed class ForwardReport(GatewayMetrics metrics, ILogger logger)
{
    public GatewayMetrics Metrics { get; } = metrics;

    public ILogger Logger { get; } = logger;

    /// <summary>The answer's ids that are in <paramref name="batch"/>; throws (retry) when it took none of it.</summary>
    public static (List<string> Accepted, List<UpstreamRejection> Rejected) Evaluate(IReadOnlyList<EventRecord> batch, UpstreamAnswer answer)
    {
        var inBatch = batch.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        var accepted = answer.Accepted.Where(inBatch.Contains).ToList();
        var rejected = answer.Rejected.Where(r => inBatch.Contains(r.Id)).ToList();
        if (accepted.Count == 0 && rejected.Count == 0)
        {
            throw new UpstreamException($"upstream took none of {batch.Count} events");
        }

        return (accepted, rejected);
    }

    /// <summary>Counts and logs a confirmed batch; returns how many were accepted.</summary>
    /// <param name="urgent">An alarm lane's batch: logged at Information (an operator looks for an alarm's way out);
    /// other lanes' at Debug: a line per POST of every telemetry stream was ~12 lines a second at a community's rate
    /// (~1 million journal lines a day on the gateway's SD card, and a wake of the logger's thread each).</param>
    public int Confirmed(List<string> accepted, List<UpstreamRejection> rejected, bool urgent)
    {
        if (rejected.Count > 0)
        {
            // The upstream will never take these; resending would block the lane forever. Kept in the store.
            Metrics.CountUpstreamRejected(rejected.Count);
            foreach (var r in rejected)
            {
                Logger.LogWarning("upstream rejected {Id}: {Reason}", LogText.Untrusted(r.Id), LogText.Untrusted(r.Reason));
            }
        }

        Metrics.CountForwarded(accepted.Count);
        // The batch's first and last ids (each names its device): which events left, without a line per event.
        var level = urgent ? LogLevel.Information : LogLevel.Debug;
        if (Logger.IsEnabled(level))
        {
            Logger.Log(level, "forwarded {Count} events: {FirstId} .. {LastId}", accepted.Count, accepted.Count > 0 ? accepted[0] : "-", accepted.Count > 0 ? accepted[^1] : "-");
        }
        return accepted.Count;
    }
}
