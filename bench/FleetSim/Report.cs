using System.Globalization;
using System.Text;

namespace Eldercare.Bench.FleetSim;

/// <summary>Figures as <c>name=value</c> lines (printed as they are measured) and bench/results.md at the end.</summary>
public sealed class Report
{
    private readonly List<(string Name, string Value, string Note)> _figures = [];
    private readonly List<string> _scalingRows = [];
    private readonly List<string> _notes = [];
    private readonly List<(string Scenario, double Megabytes)> _walPeaks = [];

    public static string Format(double value) => double.IsNaN(value) ? "n/a" : value.ToString(value >= 100 ? "F0" : "F2", CultureInfo.InvariantCulture);

    public void Add(string name, double value, string note = "") => Add(name, Format(value), note);

    public void Add(string name, string value, string note = "")
    {
        _figures.Add((name, value, note));
        Console.WriteLine($"{name}={value}");
    }

    /// <summary>
    /// A figure measured once per round: its median as the value, and the range after it on the printed line
    /// (<c>name=1.12 (range 0.98-1.30 over 3 rounds)</c>: the value stays first for whoever parses the line) and in the note.
    /// </summary>
    public void Add(string name, RoundSummary rounds, string note)
    {
        var value = Format(rounds.Median);
        _figures.Add((name, value, $"median, {rounds.Range}; {note}"));
        Console.WriteLine($"{name}={value} ({rounds.Range})");
    }

    /// <summary>The ingest comparison with the peers (a Markdown paragraph and table), from the ingest scenario.</summary>
    public string? Comparison { get; set; }

    /// <summary>What bounds the ingest figure when its ratio is under 1.0, named from the run's measurements.</summary>
    public string? Bound { get; set; }

    public string? Get(string name) => _figures.LastOrDefault(f => f.Name == name).Value;

    public void AddScalingRow(int devices, double connectSeconds, double burstEventsPerSecond, double alarmP50, double alarmP99, double alarmMax, double rssMegabytes, double rssPeakMegabytes, double gatewayCpuPercent) =>
        _scalingRows.Add(string.Create(CultureInfo.InvariantCulture,
            $"| {devices:N0} | {connectSeconds:F1} | {burstEventsPerSecond:F0} | {alarmP50:F1} | {alarmP99:F1} | {alarmMax:F1} | {rssMegabytes:F0} | {rssPeakMegabytes:F0} | {gatewayCpuPercent:F0} |"));

    /// <summary>The largest events.db-wal a scenario sampled; <see cref="AddWalMaximum"/> reports the largest of all.</summary>
    public void RecordWalPeak(string scenario, double megabytes) => _walPeaks.Add((scenario, megabytes));

    /// <summary><c>wal_max_mb</c>: the largest WAL of the scenarios that sampled one (none ran: nothing added).</summary>
    public void AddWalMaximum()
    {
        if (_walPeaks.Count > 0)
        {
            Add("wal_max_mb", _walPeaks.Max(p => p.Megabytes), "largest gateway events.db-wal sampled every 100 ms: " +
                string.Join(", ", _walPeaks.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Scenario} {p.Megabytes:F1} MB"))));
        }
    }

    public void Note(string text)
    {
        _notes.Add(text);
        Console.WriteLine("# " + text);
    }

    public void WriteMarkdown(string path, BenchSettings settings, TimeSpan elapsed)
    {
        var md = new StringBuilder();
        md.Append("# Bench results\n\n");
        md.Append(CultureInfo.InvariantCulture, $"Written by `./bench.sh{(settings.IsQuick ? " --quick" : string.Empty)}` on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC in {elapsed.TotalSeconds:F0} s. Method: `bench/README.md`.\n\n");
        md.Append("## Machine\n\n");
        foreach (var line in Machine.Describe())
        {
            md.Append("- ").Append(line).Append('\n');
        }

        md.Append("\n## Figures\n\n| figure | value | target | met | note |\n| --- | --- | --- | --- | --- |\n");
        foreach (var (name, value, note) in _figures)
        {
            var (target, met) = Targets.Check(name, value);
            md.Append(CultureInfo.InvariantCulture, $"| `{name}` | {value} | {target} | {met} | {note} |\n");
        }

        if (Comparison is not null)
        {
            md.Append("\n## Gateway, durable peers and the in-memory baseline\n\n").Append(Comparison);
        }

        if (Bound is not null)
        {
            md.Append("\n## Bound of the ingest ratio vs mosquitto (under 1.0 in this run)\n\n").Append(Bound).Append('\n');
        }

        md.Append("\n## Scaling\n\nEach fleet size on a fresh gateway and cloud stub: connect all (bounded concurrency), heartbeats, alarms from devices that stay connected, then every other device reconnects and flushes its outbox.\n\n");
        md.Append("| devices | connect s | burst events/s | alarm p50 ms | alarm p99 ms | alarm max ms | gateway RSS MB (connected) | RSS peak MB | gateway CPU % (of 200) |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        foreach (var row in _scalingRows)
        {
            md.Append(row).Append('\n');
        }

        if (_notes.Count > 0)
        {
            md.Append("\n## Notes from the run\n\n");
            foreach (var note in _notes)
            {
                md.Append("- ").Append(note).Append('\n');
            }
        }

        File.WriteAllText(path, md.ToString());
    }
}
