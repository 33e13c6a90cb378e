namespace Eldercare.Bench.FleetSim;

/// <summary>
/// A relay broker started for one run: its process, its MQTT port, the process that does its work (whose CPU is its
/// cost: for RabbitMQ the Erlang VM below the start script), and what has to stop after it (RabbitMQ's epmd).
/// </summary>
public sealed class RunningBroker(ChildProcess process, int port, int workerProcessId, Func<Task>? afterStop = null) : IAsyncDisposable
{
    public ChildProcess Process { get; } = process;

    public int Port { get; } = port;

    public int WorkerProcessId { get; } = workerProcessId;

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync().ConfigureAwait(false);
        if (afterStop is not null)
        {
            await afterStop().ConfigureAwait(false);
        }
    }
}
