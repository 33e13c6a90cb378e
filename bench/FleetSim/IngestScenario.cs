using System.Diagnostics;
using System.Globalization;
using MQTTnet;

namespace Eldercare.Bench.FleetSim;

/// <summary>
/// Durable ingest against brokers a user would pick instead, under the same load: the same connections each publish the
/// same number of QoS 1 events (window 1, as the firmware sender) through the gateway (counted when the cloud stub holds
/// every event: PUBACK after fsync, dedup, forwarded) and through each peer (<see cref="IRelayBroker"/>: RabbitMQ and NATS
/// JetStream persisting before their PUBACK, mosquitto relaying in memory; counted when its one QoS 1 subscriber got
/// every event). One run against one run is noise on a shared 2-core machine, so the runs alternate (gateway, RabbitMQ,
/// NATS, mosquitto, gateway, ...) for <see cref="BenchSettings.IngestRounds"/> rounds and each figure is the median of
/// its rounds, each ratio the median of the per-round ratios. A shortfall prints as loss, a peer that cannot be started
/// as unavailable; the bench goes on.
/// </summary>
public sealed class IngestScenario(BenchEnvironment environment, BenchSettings settings, Report report, MqttClientFactory factory)
{
    public async Task RunAsync(IReadOnlyList<string> deviceIds, CancellationToken cancellationToken)
    {
        var ids = deviceIds.Take(settings.IngestDevices).ToList();
        var total = (long)ids.Count * settings.IngestEventsPerDevice;
        IRelayBroker[] peers = [new RabbitMqBroker(environment), new NatsBroker(environment), new MosquittoBroker(environment)];
        var gatewayRuns = new List<GatewayResult>();
        var peerRuns = peers.ToDictionary(p => p.Name, _ => new List<RelayResult>());
        var relay = new RelayRun(settings, report, factory);
        foreach (var peer in peers)
        {
            report.Note($"{peer.Name}: {peer.Durability}");
        }

        for (var round = 1; round <= settings.IngestRounds; round++)
        {
            var durations = new List<string>();
            var watch = Stopwatch.StartNew();
            var gateway = await new GatewayIngestRun(environment, settings, report, factory).RunAsync(ids, total, round, cancellationToken).ConfigureAwait(false);
            gatewayRuns.Add(gateway);
            durations.Add($"gateway {watch.Elapsed.TotalSeconds:F0} s");
            foreach (var peer in peers)
            {
                var previous = peerRuns[peer.Name].LastOrDefault();
                if (previous?.Unavailable is not null)
                {
                    // Not retried: a broker that could not start once (package missing, start timed out) costs each round its timeout.
                    peerRuns[peer.Name].Add(previous);
                    continue;
                }

                var peerStarted = watch.Elapsed;
                var result = await relay.RunAsync(peer, ids, total, gateway.WarmupRounds, round, cancellationToken).ConfigureAwait(false);
                peerRuns[peer.Name].Add(result);
                durations.Add($"{peer.Name} {(watch.Elapsed - peerStarted).TotalSeconds:F0} s");
                if (result.Unavailable is { } reason)
                {
                    report.Note($"round {round}, {peer.Name}: unavailable ({reason})");
                }
            }

            report.Note($"ingest round {round} of {settings.IngestRounds} took {watch.Elapsed.TotalSeconds:F0} s ({string.Join(", ", durations)}; each with its start, connects and warm-up)");
        }

        ReportGateway(gatewayRuns, ids.Count, total);
        foreach (var peer in peers)
        {
            ReportPeer(peer, peerRuns[peer.Name], ids.Count, total);
        }

        foreach (var peer in peers)
        {
            ReportRatio(peer, gatewayRuns, peerRuns[peer.Name]);
        }

        report.Comparison = Comparison(peers, gatewayRuns, peerRuns);
        if (Ratios(gatewayRuns, peerRuns["mosquitto"]) is { Count: > 0 } mosquittoRatios && new RoundSummary(mosquittoRatios.Select(r => r.Ratio)).Median < 1.0)
        {
            // Named from the round whose ratio is nearest the median, with both runs of that round.
            var median = new RoundSummary(mosquittoRatios.Select(r => r.Ratio)).Median;
            var round = mosquittoRatios.MinBy(r => Math.Abs(r.Ratio - median)).Round;
            report.Bound = $"(round {round + 1}, the round whose ratio is nearest the median) " + NameBound(gatewayRuns[round], peerRuns["mosquitto"][round]);
            Console.WriteLine("# bound: " + report.Bound);
        }
    }

    private void ReportGateway(List<GatewayResult> runs, int connections, long total)
    {
        if (runs.Select((r, i) => (r.Loss, Round: i + 1)).FirstOrDefault(r => r.Loss is not null) is { Loss: { } loss } lost)
        {
            report.Add("ingest_events_per_s", $"LOSS(round {lost.Round}: {loss})");
        }
        else
        {
            report.Add("ingest_events_per_s", new RoundSummary(runs.Select(r => r.EventsPerSecond)), $"{total} events, {connections} connections, counted at the cloud stub");
        }

        report.Add("ingest_acked_events_per_s", new RoundSummary(runs.Select(r => r.AcknowledgedEventsPerSecond)), "all PUBACKs (each after fsync) received");
        report.Add("gateway_cpu_us_per_event", new RoundSummary(runs.Select(r => r.GatewayMicrosecondsPerEvent)), "gateway CPU time / events, during the ingest run");
        report.Add("disk_bytes_per_event", new RoundSummary(runs.Select(r => r.WriteBytesPerEvent)), "gateway /proc io write_bytes (wchar where write_bytes stays 0) over the ingest run / events (full speed, fresh store)");
        report.Add("stub_cpu_us_per_event", new RoundSummary(runs.Select(r => r.StubMicrosecondsPerEvent)), "cloud stub CPU time / events");
        report.Add("generator_cpu_us_per_event", new RoundSummary(runs.Select(r => r.GeneratorMicrosecondsPerEvent)), "fleet simulator CPU time / events (the peers' runs: in their notes)");
    }

    private void ReportPeer(IRelayBroker peer, List<RelayResult> runs, int connections, long total)
    {
        var name = $"{peer.Name}_relay_events_per_s";
        if (runs.FirstOrDefault(r => r.Unavailable is not null) is { Unavailable: { } reason })
        {
            report.Add(name, $"unavailable({reason})");
        }
        else if (runs.Select((r, i) => (r.Loss, Round: i + 1)).FirstOrDefault(r => r.Loss is not null) is { Loss: { } loss } lost)
        {
            report.Add(name, $"LOSS(round {lost.Round}: {loss})");
        }
        else
        {
            report.Add(name, new RoundSummary(runs.Select(r => r.EventsPerSecond)), $"{total} events, {connections} connections, counted at the QoS 1 subscriber; {peer.Name} CPU {Report.Format(new RoundSummary(runs.Select(r => r.BrokerMicrosecondsPerEvent)).Median)} us per event");
        }
    }

    private void ReportRatio(IRelayBroker peer, List<GatewayResult> gatewayRuns, List<RelayResult> peerRuns)
    {
        var name = $"ingest_ratio_vs_{peer.Name}";
        if (peerRuns.FirstOrDefault(r => r.Unavailable is not null) is { Unavailable: { } reason })
        {
            report.Add(name, $"unavailable({reason})");
            return;
        }

        var ratios = Ratios(gatewayRuns, peerRuns);
        var left = gatewayRuns.Count - ratios.Count;
        report.Add(name, new RoundSummary(ratios.Select(r => r.Ratio)),
            $"per round: gateway end to end (durable + forwarded) / {peer.Name} end to end to its QoS 1 subscriber (what each PUBACK means: the table below)" +
            (left > 0 ? $"; {left} round(s) with loss left out" : string.Empty));
    }

    /// <summary>Gateway rate / peer rate of each round where both delivered everything, with the round's index.</summary>
    private static List<(int Round, double Ratio)> Ratios(List<GatewayResult> gatewayRuns, List<RelayResult> peerRuns) =>
        gatewayRuns.Zip(peerRuns, (g, p) => g.EventsPerSecond / p.EventsPerSecond)
            .Select((ratio, round) => (round, ratio))
            .Where(r => !double.IsNaN(r.ratio))
            .ToList();

    private string Comparison(IRelayBroker[] peers, List<GatewayResult> gatewayRuns, Dictionary<string, List<RelayResult>> peerRuns)
    {
        var lines = new List<string>
        {
            $"Same load (same connections, events and payloads, QoS 1, window {settings.Window}) through the gateway (durable: PUBACK after fsync, dedup, forwarded to the cloud stub) and through each peer to one QoS 1 subscriber, the runs alternating over {settings.IngestRounds} rounds (gateway, then each peer in turn); medians of the rounds (method and each peer's configuration: `bench/README.md`, \"Peers\").",
            string.Empty,
            "| system | PUBACK means | events/s | ratio gateway / system |",
            "| --- | --- | --- | --- |",
            $"| gateway | stored (SQLite commit, fsync), deduplicated; counted when forwarded | {report.Get("ingest_events_per_s")} | |",
        };
        lines.AddRange(peers.Select(p => $"| {p.Name} | {p.Durability} | {report.Get($"{p.Name}_relay_events_per_s")} | {report.Get($"ingest_ratio_vs_{p.Name}")} |"));
        return string.Join('\n', lines) + '\n';
    }

    /// <summary>
    /// The bound of the ingest figure, named from one round's own measurements: when the processes of the gateway
    /// run kept the machine's cores (nearly) all busy, it is CPU, and the per-event costs say whose; otherwise the
    /// pipeline waited on something other than CPU (the per-commit fsync is then the first suspect).
    /// </summary>
    private static string NameBound(GatewayResult g, RelayResult m)
    {
        var cores = Environment.ProcessorCount;
        var perEvent = g.GatewayMicrosecondsPerEvent + g.StubMicrosecondsPerEvent + g.GeneratorMicrosecondsPerEvent;
        var ceiling = cores * 1e6 / perEvent;
        var budget = m.BrokerMicrosecondsPerEvent + m.GeneratorMicrosecondsPerEvent - g.GeneratorMicrosecondsPerEvent;
        var costs = string.Create(CultureInfo.InvariantCulture,
            $"per event the gateway used {g.GatewayMicrosecondsPerEvent:F0} us of CPU, the cloud stub {g.StubMicrosecondsPerEvent:F0} us and the simulator {g.GeneratorMicrosecondsPerEvent:F0} us ({perEvent:F0} us: at most {ceiling:F0} events/s on {cores} cores; measured {g.EventsPerSecond:F0}); the mosquitto run used {m.BrokerMicrosecondsPerEvent:F0} us (mosquitto) + {m.GeneratorMicrosecondsPerEvent:F0} us (simulator and subscriber). For a ratio of 1.0 the gateway and the stub together would have to fit in ~{Math.Max(0, budget):F0} us per event, against {g.GatewayMicrosecondsPerEvent + g.StubMicrosecondsPerEvent:F0}. The gateway also wrote {g.WriteBytesPerEvent / 1024:F1} KiB to disk per event (WAL pages, one fsync per commit before any PUBACK).");
        return g.BusyCores >= 0.85 * cores
            ? string.Create(CultureInfo.InvariantCulture,
                $"**CPU**: during the gateway run the measured processes kept {g.BusyCores:F2} of the {cores} cores busy; {costs} Profile (perf, dotnet-trace): bench/README.md \"What the profile showed\" and \"Bounds that remain\" (kernel TCP and WAL I/O ~48%, SQLite ~19%, managed ~15% of the gateway).")
            : string.Create(CultureInfo.InvariantCulture,
                $"**not CPU alone**: the measured processes kept only {g.BusyCores:F2} of the {cores} cores busy, so the pipeline also waited (first suspect: the fsync per commit); {costs}");
    }
}
