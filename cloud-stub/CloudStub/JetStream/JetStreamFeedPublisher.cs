using System.Globalization;
using System.Text.Json;
using Eldercare.Edge.Gateway.Forwarding;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Eldercare.CloudStub.JetStream;

/// <summary>
/// Publishes every gateway's feed (operators' acknowledgements, configurations; the ledger's rows in order) to the
/// downlinks stream on that gateway's subject, each with <c>Nats-Msg-Id</c> <c>feed-{seq}</c>, and moves its cursor
/// (<c>jetstream-feed.cursor</c> beside <c>cloud.db</c>) only after the stream acknowledged: a crash publishes again and
/// the stream drops the copy. The gateway's durable consumer then reads its subject whenever it is connected.
/// </summary>
public sealed class JetStreamFeedPublisher(
    NatsConnection connection, JetStreamEventConsumer events, AcknowledgementLedger ledger, CloudStubOptions stubOptions, ILogger<JetStreamFeedPublisher> logger) : BackgroundService
{
    private readonly NatsJSContext _js = new(connection);
    private readonly string _cursorPath = Path.Combine(stubOptions.DataDirectory, "jetstream-feed.cursor");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await events.StreamsReady.WaitAsync(stoppingToken).ConfigureAwait(false);
        var cursor = File.Exists(_cursorPath) && long.TryParse(await File.ReadAllTextAsync(_cursorPath, stoppingToken).ConfigureAwait(false), out var saved) ? saved : 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var items = await ledger.ReadAnyAsync(cursor, 100, TimeSpan.FromSeconds(5), stoppingToken).ConfigureAwait(false);
                foreach (var item in items)
                {
                    var ack = await _js.PublishAsync(JetStreamSubjects.Downlinks(item.Gateway), JsonSerializer.SerializeToUtf8Bytes(item, JsonSerializerOptions.Web),
                        opts: new NatsJSPubOpts { MsgId = "feed-" + item.Seq.ToString(CultureInfo.InvariantCulture) }, cancellationToken: stoppingToken).ConfigureAwait(false);
                    if (ack.Error is { } error)
                    {
                        throw new NatsJSApiException(error);
                    }

                    cursor = item.Seq;
                    await File.WriteAllTextAsync(_cursorPath, cursor.ToString(CultureInfo.InvariantCulture), stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("jetstream: feed publish failed ({Error}); again", exception.GetBaseException().Message);
                await Task.Delay(250, stoppingToken).ConfigureAwait(false);
            }
        }
    }
}
