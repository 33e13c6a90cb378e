using System.Globalization;

namespace Eldercare.Bench.FleetSim;

/// <summary>
/// A figure measured once per round: its median and range. One gateway run against one peer run is noise on a shared
/// 2-core machine (five single runs gave the mosquitto ratio 0.54-0.92), so the runs alternate round by round and the
/// figure is the median of the rounds.
/// </summary>
public sealed class RoundSummary
{
    private readonly List<double> _values;

    public RoundSummary(IEnumerable<double> values)
    {
        _values = values.Where(v => !double.IsNaN(v)).Order().ToList();
    }

    public int Count => _values.Count;

    /// <summary>The middle value; the mean of the two middle ones for an even count; NaN when empty.</summary>
    public double Median => _values.Count == 0
        ? double.NaN
        : _values.Count % 2 == 1 ? _values[_values.Count / 2] : (_values[(_values.Count / 2) - 1] + _values[_values.Count / 2]) / 2;

    public double Minimum => _values.Count == 0 ? double.NaN : _values[0];

    public double Maximum => _values.Count == 0 ? double.NaN : _values[^1];

    /// <summary>"range 0.98-1.30 over 3 rounds".</summary>
    public string Range => string.Create(CultureInfo.InvariantCulture, $"range {Report.Format(Minimum)}-{Report.Format(Maximum)} over {Count} round{(Count == 1 ? string.Empty : "s")}");
}
