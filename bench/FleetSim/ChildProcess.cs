using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Eldercare.Bench.FleetSim;

/// <summary>
/// A server process the bench started (gateway, cloud stub, mosquitto): output drained into a small ring
/// (an undrained pipe would block the child), a wait for its ready line, /proc figures, and a graceful stop
/// (SIGTERM, then SIGKILL after a timeout).
/// </summary>
public sealed partial class ChildProcess : IAsyncDisposable
{
    private const int KeptLines = 200;
    private readonly Process _process;
    private readonly Queue<string> _lines = new();
    private readonly object _gate = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _waiters = [];

    private ChildProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Tail
    {
        get
        {
            lock (_gate)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    public static ChildProcess Start(string name, string fileName, IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // The simulator's gen0 budget (bench.sh) is its own: the gateway, the stub and the peers run with their defaults.
        info.Environment.Remove("DOTNET_GCgen0size");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info };
        var child = new ChildProcess(process, name);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        SimulatorPriority.OnLauncher(process.Start);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    public Task<string> WaitForLineAsync(string prefix, TimeSpan timeout) =>
        WaitForLineAsync(l => l.StartsWith(prefix, StringComparison.Ordinal), $"starting '{prefix}'", timeout);

    /// <summary>The first line that <paramref name="match"/> accepts (<paramref name="description"/> names it in the timeout's message).</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, string description, TimeSpan timeout)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var line = _lines.FirstOrDefault(match);
            if (line is not null)
            {
                return line;
            }

            _waiters.Add((match, found));
        }

        var winner = await Task.WhenAny(found.Task, Task.Delay(timeout)).ConfigureAwait(false);
        if (winner != found.Task)
        {
            throw new TimeoutException($"{Name}: no line {description} within {timeout.TotalSeconds:0} s (exited={HasExited}). Output:\n{Tail}");
        }

        return await found.Task.ConfigureAwait(false);
    }

    /// <summary>Resident memory (VmRSS) in MiB, from /proc/&lt;pid&gt;/status.</summary>
    public double ResidentMegabytes() => ProcStat.ResidentMegabytes(Id);

    /// <summary>User + system CPU seconds so far, from /proc/&lt;pid&gt;/stat.</summary>
    public double CpuSeconds() => ProcStat.CpuSeconds(Id);

    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return;
        }

        _ = Kill(_process.Id, 15);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // never started
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _lines.Enqueue(line);
            if (_lines.Count > KeptLines)
            {
                _lines.Dequeue();
            }

            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(line))
                {
                    _waiters[i].Found.TrySetResult(line);
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
