using System.Diagnostics;
using System.Text;

namespace Eldercare.TestSupport;

/// <summary>
/// A child process whose stdout and stderr lines are kept, so a test can wait for a line
/// ("gateway ready", "ALARM sos ...") with a timeout instead of sleeping. Killed (whole tree) on dispose.
/// </summary>
public sealed class ManagedProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly object _gate = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _waiters = [];

    private ManagedProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return _lines.ToList();
            }
        }
    }

    public string Output => string.Join('\n', Lines);

    /// <summary>Runs <c>dotnet &lt;dll&gt; args</c> (a built gateway or cloud stub).</summary>
    public static ManagedProcess StartDotnet(string dllPath, IEnumerable<string> args, IDictionary<string, string>? environment = null, string? workingDirectory = null) =>
        Start("dotnet", [dllPath, .. args], environment, workingDirectory, Path.GetFileNameWithoutExtension(dllPath));

    public static ManagedProcess Start(string fileName, IEnumerable<string> args, IDictionary<string, string>? environment = null, string? workingDirectory = null, string? name = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var pair in environment ?? new Dictionary<string, string>())
        {
            info.Environment[pair.Key] = pair.Value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var managed = new ManagedProcess(process, name ?? Path.GetFileName(fileName));
        process.OutputDataReceived += (_, e) => managed.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => managed.OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return managed;
    }

    /// <summary>Waits for a line containing <paramref name="fragment"/> (lines already seen count).</summary>
    public Task<string> WaitForLineAsync(string fragment, TimeSpan timeout) =>
        WaitForLineAsync(line => line.Contains(fragment, StringComparison.Ordinal), timeout, $"a line containing '{fragment}'");

    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, string what)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var seen = _lines.FirstOrDefault(match);
            if (seen is not null)
            {
                return seen;
            }

            _waiters.Add((match, found));
        }

        var exited = _process.WaitForExitAsync();
        var winner = await Task.WhenAny(found.Task, exited, Task.Delay(timeout)).ConfigureAwait(false);
        if (winner == found.Task)
        {
            return await found.Task.ConfigureAwait(false);
        }

        lock (_gate)
        {
            _waiters.RemoveAll(w => w.Found == found);
        }

        var reason = winner == exited ? $"{Name} exited ({SafeExitCode()})" : $"timed out after {timeout.TotalSeconds:0.#} s";
        throw new TimeoutException($"{reason} waiting for {what}. Output:\n{Output}");
    }

    public Task<int> WaitForExitAsync(TimeSpan timeout) => WaitForExitCoreAsync(timeout);

    /// <summary>SIGKILL, no shutdown: what a power cut looks like to the process.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync().ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }

        _process.Dispose();
    }

    private async Task<int> WaitForExitCoreAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        return _process.ExitCode;
    }

    private string SafeExitCode() => _process.HasExited ? $"exit code {_process.ExitCode}" : "running";

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _lines.Add(line);
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
}
