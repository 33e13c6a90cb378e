using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Eldercare.Edge.Gateway.Forwarding;

/// <summary>
/// The forwarder's upstream on a NATS JetStream cluster (docs/wire-format.md "Upstream JetStream"). Each event is one
/// message on <see cref="JetStreamSubjects.Events"/> for its lane (alarms on their own subject), its body the HTTP
/// batch body with that one event, its <c>Nats-Msg-Id</c> the event id: the stream drops a resend within its duplicate
/// window and answers it as a duplicate. An event counts as accepted only on the cluster's publish acknowledgement
/// (stored on a quorum of the stream's replicas, or a duplicate of a stored one).
/// <para>
/// A batch goes out in waves: each wave publishes the next event of every device in the batch at once and awaits
/// their acknowledgements, so many devices' events are in flight together but a device's next event leaves only after
/// its previous one was acknowledged. A device whose event failed sends nothing more from this batch: a later event of
/// it can never be in the stream before an earlier one (the forwarder resends the rest in order). An event the stream
/// refuses for good (400: too large for it) is rejected, the device's later events go on.
/// </para>
/// </summary>
public sealed class JetStreamUpstream : IUpstream
{
    private readonly INatsConnection _connection;
    private readonly NatsJSContext _js;
    private readonly string _gatewayId;
    private readonly JetStreamUpstreamOptions _options;
    private readonly ILogger _logger;
    private long _duplicates;

    public JetStreamUpstream(INatsConnection connection, string gatewayId, JetStreamUpstreamOptions options, ILogger<JetStreamUpstream>? logger = null)
    {
        _connection = connection;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _js = new NatsJSContext(connection);
        _gatewayId = gatewayId;
        _options = options;
    }

    /// <summary>Events the stream answered as duplicates (a resend of an id it holds: after a crash, a lost acknowledgement).</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);

    public async Task<UpstreamAnswer> SendAsync(IReadOnlyList<EventRecord> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return new UpstreamAnswer([], []);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.AckTimeoutMilliseconds);
        // Each device's events in batch order (the batch is in store order, which is each device's order in a lane).
        var perDevice = new List<Queue<EventRecord>>();
        var index = new Dictionary<string, Queue<EventRecord>>(StringComparer.Ordinal);
        foreach (var e in batch)
        {
            if (!index.TryGetValue(e.DeviceId, out var queue))
            {
                queue = new Queue<EventRecord>();
                index[e.DeviceId] = queue;
                perDevice.Add(queue);
            }

            queue.Enqueue(e);
        }

        var accepted = new List<string>(batch.Count);
        var rejected = new List<UpstreamRejection>();
        string? firstFailure = null;
        var duplicates = 0;
        var wave = new List<(Queue<EventRecord> Device, EventRecord Event, Task<PublishOutcome> Outcome)>(perDevice.Count);
        while (true)
        {
            wave.Clear();
            foreach (var device in perDevice)
            {
                if (device.TryPeek(out var next))
                {
                    wave.Add((device, next, PublishAsync(next, timeout.Token)));
                }
            }

            if (wave.Count == 0)
            {
                break;
            }

            foreach (var (device, e, outcomeTask) in wave)
            {
                var outcome = await outcomeTask.ConfigureAwait(false);
                switch (outcome.Kind)
                {
                    case OutcomeKind.Stored:
                        accepted.Add(e.Id);
                        duplicates += outcome.Duplicate ? 1 : 0;
                        device.Dequeue();
                        break;
                    case OutcomeKind.Rejected:
                        rejected.Add(new UpstreamRejection(e.Id, outcome.Detail));
                        device.Dequeue();
                        break;
                    default:
                        // Not acknowledged: nothing more of this device from this batch (its order), retried later.
                        firstFailure ??= outcome.Detail;
                        device.Clear();
                        break;
                }
            }
        }

        if (duplicates > 0)
        {
            Interlocked.Add(ref _duplicates, duplicates);
            _logger.LogInformation("jetstream: {Duplicates} of {Count} events already in the stream (resends dropped by Nats-Msg-Id)", duplicates, batch.Count);
        }

        if (accepted.Count == 0 && rejected.Count == 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new UpstreamException($"JetStream acknowledged none of {batch.Count} events: {firstFailure}");
        }

        return new UpstreamAnswer(accepted, rejected);
    }

    /// <summary>Connects (the first alarm must not pay for it); never throws.</summary>
    public async Task WarmAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _connection.ConnectAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Down at start: the first send retries as usual.
        }
    }

    private async Task<PublishOutcome> PublishAsync(EventRecord e, CancellationToken cancellationToken)
    {
        try
        {
            var ack = await _js.PublishAsync(
                JetStreamSubjects.Events(e.Lane, _gatewayId),
                UpstreamEventJson.ToSingleBatchUtf8(_gatewayId, e),
                opts: new NatsJSPubOpts { MsgId = e.Id },
                cancellationToken: cancellationToken).ConfigureAwait(false);
            return ack.Error is null ? new PublishOutcome(OutcomeKind.Stored, string.Empty, ack.Duplicate) : Classify(ack.Error);
        }
        catch (NatsJSApiException exception)
        {
            return Classify(exception.Error);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new PublishOutcome(OutcomeKind.Failed, "publish cancelled");
        }
        catch (OperationCanceledException)
        {
            return new PublishOutcome(OutcomeKind.Failed, $"no acknowledgement within {_options.AckTimeoutMilliseconds} ms");
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            return new PublishOutcome(OutcomeKind.Failed, exception.GetBaseException().Message);
        }
    }

    /// <summary>
    /// No error: stored (a duplicate too: the stream holds that id). 400: the stream refuses this message for good (too
    /// large, bad header). Anything else (503 no leader or no quorum, a wrong stream, 5xx) is retried.
    /// </summary>
    private static PublishOutcome Classify(ApiError? error) => error switch
    {
        null => new PublishOutcome(OutcomeKind.Stored, string.Empty),
        { Code: 400 } => new PublishOutcome(OutcomeKind.Rejected, $"jetstream_{error.ErrCode}: {error.Description}"),
        _ => new PublishOutcome(OutcomeKind.Failed, $"JetStream error {error.Code}/{error.ErrCode}: {error.Description}"),
    };

    private enum OutcomeKind
    {
        Stored,
        Rejected,
        Failed,
    }

    private readonly record struct PublishOutcome(OutcomeKind Kind, string Detail, bool Duplicate = false);
}
