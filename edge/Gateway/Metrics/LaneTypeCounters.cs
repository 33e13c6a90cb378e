using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Eldercare.Edge.Gateway.Metrics;

/// <summary>
/// Events counted by lane and type (<c>{lane="alarm",type="sos"}</c>), lock-free. The label values are bounded: a type
/// is one the codec knows (EventCodec refuses others before anything is counted) and a lane one of LaneSet's.
/// </summary>
public sealed class LaneTypeCounters
{
    private readonly ConcurrentDictionary<(string Lane, string Type), Box> _counts = new();

    public void Count(string lane, string type, long count = 1) =>
        Interlocked.Add(ref _counts.GetOrAdd((lane, type), static _ => new Box()).Value, count);

    public long Get(string lane, string type) => _counts.TryGetValue((lane, type), out var box) ? Interlocked.Read(ref box.Value) : 0;

    public void AppendPrometheus(StringBuilder text, string name, string help)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(" counter\n");
        foreach (var pair in _counts.OrderBy(p => p.Key.Lane, StringComparer.Ordinal).ThenBy(p => p.Key.Type, StringComparer.Ordinal))
        {
            text.Append(name).Append("{lane=\"").Append(pair.Key.Lane).Append("\",type=\"").Append(pair.Key.Type).Append("\"} ")
                .Append(Interlocked.Read(ref pair.Value.Value).ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
    }

    private sealed class Box
    {
        public long Value;
    }
}
