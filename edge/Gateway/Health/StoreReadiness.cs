using Eldercare.Edge.Gateway.Hosting;

namespace Eldercare.Edge.Gateway.Health;

/// <summary>
/// Is the store writable: its writer runs, its last commit did not fail (disk full, I/O error, a lock held past the busy
/// timeout), writes that wait are being committed (<see cref="StoreProgressCheck"/>), and while no commit shows it (an
/// idle gateway), a file can be created in the data directory (a card remounted read-only after errors). That probe
/// runs at most once per <see cref="ProbeInterval"/> and only when no commit succeeded within it: an SD card is not
/// written for readiness while events are.
/// </summary>
public sealed class StoreReadiness
{
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(60);

    private readonly Func<bool> _writerRunning;
    private readonly Func<string?> _lastCommitError;
    private readonly Func<long> _commits;
    private readonly StoreProgressCheck _progress;
    private readonly string _dataDirectory;
    private readonly TimeProvider _time;
    private readonly object _lock = new();
    private long _commitsAtProbe = -1;
    private long _probedAt;
    private string? _probeProblem;

    public StoreReadiness(Func<bool> writerRunning, Func<string?> lastCommitError, Func<long> commits, Func<int> queueDepth, string dataDirectory, TimeProvider time)
    {
        _writerRunning = writerRunning;
        _lastCommitError = lastCommitError;
        _commits = commits;
        _dataDirectory = dataDirectory;
        _time = time;
        _progress = new StoreProgressCheck(commits, queueDepth, writerRunning, time, TimeSpan.FromSeconds(20));
    }

    public ReadinessFinding Check()
    {
        if (!_writerRunning())
        {
            return ReadinessFinding.NotReady("the store's writer thread is not running");
        }

        if (_lastCommitError() is { } error)
        {
            return ReadinessFinding.NotReady($"the last commit failed: {error}");
        }

        if (_progress.Problem() is { } stalled)
        {
            return ReadinessFinding.NotReady(stalled);
        }

        return ProbeWhenIdle() is { } probe ? ReadinessFinding.NotReady(probe) : ReadinessFinding.Ok("writable");
    }

    private string? ProbeWhenIdle()
    {
        lock (_lock)
        {
            var commits = _commits();
            var now = _time.GetTimestamp();
            if (_commitsAtProbe >= 0 && _time.GetElapsedTime(_probedAt, now) < ProbeInterval)
            {
                return _probeProblem;
            }

            if (commits != _commitsAtProbe && _commitsAtProbe >= 0)
            {
                // Commits succeeded since the last look: the store is being written; no probe needed.
                _commitsAtProbe = commits;
                _probedAt = now;
                _probeProblem = null;
                return null;
            }

            _commitsAtProbe = commits;
            _probedAt = now;
            var probe = Path.Combine(_dataDirectory, ".ready-probe");
            try
            {
                using (new FileStream(probe, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
                {
                }

                _probeProblem = null;
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                _probeProblem = $"the data directory {_dataDirectory} is not writable: {exception.Message}";
            }

            return _probeProblem;
        }
    }
}
