using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Eldercare.Edge.Gateway.Health;

/// <summary>
/// Runs <see cref="DeviceHealthMonitor"/>'s pass once a second on the gateway's clock (a fake one in tests moves it),
/// skipping a tick while the previous pass still runs, and writes the last-seen times at a clean stop. A failed pass
/// (disk full, store stopping) is counted, logged and done again at the next tick: the monitor keeps what it decided.
/// </summary>
public sealed class DeviceHealthService : IHostedService, IAsyncDisposable
{
    /// <summary>How often the pass runs: an alarm or an online event comes at most this late after it is due.</summary>
    public static readonly TimeSpan PassInterval = TimeSpan.FromSeconds(1);

    private readonly DeviceHealthMonitor _monitor;
    private readonly Metrics.GatewayMetrics _metrics;
    private readonly ILogger<DeviceHealthService> _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private ITimer? _timer;
    private Task _running = Task.CompletedTask;
    private int _busy;

    public DeviceHealthService(DeviceHealthMonitor monitor, Metrics.GatewayMetrics metrics, ILogger<DeviceHealthService> logger, TimeProvider time)
    {
        _monitor = monitor;
        _metrics = metrics;
        _logger = logger;
        _time = time;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // The first tick also appends what the last run kept and had not appended (a crash between the two).
        _timer = _time.CreateTimer(_ => Tick(), null, TimeSpan.Zero, PassInterval);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_timer is not null)
        {
            await _timer.DisposeAsync().ConfigureAwait(false);
        }

        await _running.ConfigureAwait(false);
        try
        {
            await _monitor.SaveLastSeenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is Microsoft.Data.Sqlite.SqliteException or OperationCanceledException)
        {
            // The start-up grace of the next run covers last-seen times older than these.
            _logger.LogWarning("device health: last-seen times not written at stop: {Error}", exception.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_timer is not null)
        {
            await _timer.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private void Tick()
    {
        if (_stopping.IsCancellationRequested || Interlocked.Exchange(ref _busy, 1) != 0)
        {
            return;
        }

        _running = Task.Run(PassAsync);
    }

    private async Task PassAsync()
    {
        try
        {
            await _monitor.CheckAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            _metrics.CountDeviceHealthFailure();
            _logger.LogError("device health pass failed, again in {Interval} s: {Error}", PassInterval.TotalSeconds, exception.Message);
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }
}
