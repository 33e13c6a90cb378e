using System.Diagnostics;
using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Store;
using Eldercare.Firmware.Core.Events;
using Microsoft.Extensions.Logging.Abstractions;

namespace Eldercare.Bench.FleetSim;

/// <summary>
/// Fills a gateway data directory with events already forwarded, as a gateway holds them after a long run: through
/// the gateway's own store (<see cref="SqliteEventStore"/>: its schema, its indexes, its append and mark statements),
/// so the bench never writes the schema a second time (STYLE.md habit 15). Events are encoded by the firmware's
/// <see cref="EventCodec"/> and turned into records as the gateway's ingest does (<see cref="EventRecord.FromDevice"/>),
/// appended in large concurrent batches (group commit) and marked forwarded 1,000 ids at a time (the forwarder's
/// batch). Runs before the gateway starts; the store is closed (WAL checkpointed and removed) when this returns.
/// </summary>
public static class StorePrefill
{
    /// <summary>Appends in flight at once: the store's queue takes them, its writer commits them in batches.</summary>
    private const int ChunkEvents = 10_000;

    /// <summary>Ids per mark, as the forwarder marks one upstream batch (Gateway:Forwarder:BatchSize).</summary>
    private const int MarkBatch = 1_000;

    /// <summary>Spacing of the prefilled events' receive times: as if they came at <paramref name="eventsPerSecond"/>.</summary>
    public static async Task<PrefillResult> RunAsync(string dataDirectory, IReadOnlyList<string> deviceIds, int events, int bootEpoch, double eventsPerSecond, CancellationToken cancellationToken)
    {
        var options = new StoreOptions { DataDirectory = dataDirectory, WriterNice = 0 };
        var problems = options.Validate().ToList();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("prefill store options: " + string.Join("; ", problems));
        }

        var watch = Stopwatch.StartNew();
        var appendSeconds = 0.0;
        var stored = 0L;
        var marked = 0L;
        var commitsBefore = 0L;
        long commits;
        var sequences = new int[deviceIds.Count];
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var spacingMilliseconds = 1000.0 / eventsPerSecond;
        // The gateway's lanes with its shipped stream counts (the bench runs it with those): the pending rows' shards match.
        var lanes = LaneSet.Create(new Eldercare.Edge.Gateway.Configuration.ForwarderOptions());
        var telemetry = lanes[EventTypes.TelemetryLane];
        var store = SqliteEventStore.Open(options, lanes, NullLogger.Instance, new StoreMetrics(), TimeProvider.System);
        await using (store.ConfigureAwait(false))
        {
            commitsBefore = store.CommitCount;
            for (var first = 0; first < events; first += ChunkEvents)
            {
                var count = Math.Min(ChunkEvents, events - first);
                var records = new EventRecord[count];
                for (var i = 0; i < count; i++)
                {
                    var n = first + i;
                    var device = n % deviceIds.Count;
                    var received = now - (long)((events - n) * spacingMilliseconds);
                    var payload = EventCodec.Encode(new DeviceEvent(deviceIds[device], bootEpoch, ++sequences[device], EventTypes.Heartbeat, received) { BatteryPercent = 87 });
                    var decoded = EventCodec.Decode(payload);
                    if (!decoded.Ok)
                    {
                        throw new InvalidOperationException($"prefill event not decodable: {decoded.Reason} {decoded.Detail}");
                    }

                    records[i] = EventRecord.FromDevice(decoded.Event, decoded.Text, received);
                }

                var append = Stopwatch.StartNew();
                var outcomes = await Task.WhenAll(records.Select(r => store.AppendAsync(r, cancellationToken))).ConfigureAwait(false);
                appendSeconds += append.Elapsed.TotalSeconds;
                stored += outcomes.Count(o => o == AppendOutcome.Stored);
                // Each forward queue marks its own events, as the gateway's streams do.
                var marks = await Task.WhenAll(records.GroupBy(r => telemetry.ShardOf(r.DeviceId))
                    .SelectMany(shard => shard.Chunk(MarkBatch).Select(batch => store.Get(telemetry, shard.Key).MarkAsync(batch.Select(r => r.Id).ToList(), ForwardState.Forwarded)))).ConfigureAwait(false);
                marked += marks.Sum();
            }

            commits = store.CommitCount - commitsBefore;
        }

        if (stored != events || marked != events)
        {
            throw new InvalidOperationException($"prefill: {stored} stored and {marked} marked forwarded of {events}");
        }

        var bytes = Directory.EnumerateFiles(dataDirectory).Sum(f => new FileInfo(f).Length);
        return new PrefillResult(events, watch.Elapsed.TotalSeconds, appendSeconds, commits, bytes);
    }
}
