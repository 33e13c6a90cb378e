namespace Eldercare.Bench.FleetSim;

/// <summary>CPU seconds each process used between <see cref="Start"/> and <see cref="Stop"/> (/proc).</summary>
public sealed class CpuWindow
{
    private readonly Dictionary<string, int> _pids;
    private readonly Dictionary<string, double> _start = new();
    private readonly Dictionary<string, double> _used = new();
    private System.Diagnostics.Stopwatch _wall = new();

    public CpuWindow(Dictionary<string, int> pids) => _pids = pids;

    public double WallSeconds => _wall.Elapsed.TotalSeconds;

    public IReadOnlyDictionary<string, double> Used => _used;

    public void Start()
    {
        foreach (var (name, pid) in _pids)
        {
            _start[name] = ProcStat.CpuSeconds(pid);
        }

        _wall = System.Diagnostics.Stopwatch.StartNew();
    }

    public void Stop()
    {
        _wall.Stop();
        foreach (var (name, pid) in _pids)
        {
            _used[name] = ProcStat.CpuSeconds(pid) - _start[name];
        }
    }

    /// <summary>"gateway 1.52 s (76%), stub ..." for the notes.</summary>
    public string Describe() => string.Join(", ", _used.Select(u => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{u.Key} {u.Value:F2} s ({100 * u.Value / Math.Max(0.001, WallSeconds):F0}%)")));
}
