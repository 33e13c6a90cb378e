using Eldercare.Edge.Gateway.ModuleTwin;

namespace Eldercare.Edge.Tests.ModuleTwin;

/// <summary>A module twin in memory: desired properties set by the test, reported patches recorded, the change
/// callback raised by hand (what edgeHub would do).</summary>
internal sealed class FakeModuleTwin(string desired) : IModuleTwin
{
    private readonly List<string> _reported = [];
    private Func<Task>? _changed;

    public string Desired { get; set; } = desired;

    public IReadOnlyList<string> Reported
    {
        get
        {
            lock (_reported)
            {
                return _reported.ToList();
            }
        }
    }

    /// <summary>Reads that fail from now on (edgeHub out of reach), one fewer per read.</summary>
    public int ReadFailures { get; set; }

    public Task<string> ReadDesiredAsync(CancellationToken cancellationToken)
    {
        if (ReadFailures > 0)
        {
            ReadFailures--;
            return Task.FromException<string>(new IOException("edgeHub unreachable"));
        }

        return Task.FromResult(Desired);
    }

    public Task ReportAsync(string reportedJson, CancellationToken cancellationToken)
    {
        lock (_reported)
        {
            _reported.Add(reportedJson);
        }

        return Task.CompletedTask;
    }

    public Task WatchDesiredAsync(Func<Task> changed, CancellationToken cancellationToken)
    {
        _changed = changed;
        return Task.CompletedTask;
    }

    /// <summary>IoT Hub changed the desired properties.</summary>
    public Task ChangeAsync(string desired)
    {
        Desired = desired;
        return (_changed ?? throw new InvalidOperationException("nobody watches the desired properties")).Invoke();
    }
}
