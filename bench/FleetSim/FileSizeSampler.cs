namespace Eldercare.Bench.FleetSim;

/// <summary>
/// Samples a file's size at a fixed interval on a background task and keeps the largest seen: the gateway's
/// <c>events.db-wal</c>, whose growth under sustained load a stat at the end would miss (a checkpoint that resets the
/// WAL rewrites it from the start, and journal_size_limit truncates it). A missing file counts as 0 bytes.
/// </summary>
public sealed class FileSizeSampler : IAsyncDisposable
{
    private readonly string _path;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _maxBytes;
    private long _samples;

    public FileSizeSampler(string path, TimeSpan interval)
    {
        _path = path;
        _loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(interval);
            do
            {
                Sample();
            }
            while (await WaitAsync(timer).ConfigureAwait(false));
        });
    }

    public double MaxMegabytes => Interlocked.Read(ref _maxBytes) / (1024.0 * 1024.0);

    public long Samples => Interlocked.Read(ref _samples);

    /// <summary>Stops sampling (one last sample first).</summary>
    public async Task StopAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            await _loop.ConfigureAwait(false);
            Sample();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task<bool> WaitAsync(PeriodicTimer timer)
    {
        try
        {
            return await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void Sample()
    {
        long size;
        try
        {
            var file = new FileInfo(_path);
            size = file.Exists ? file.Length : 0;
        }
        catch (IOException)
        {
            size = 0;
        }

        Interlocked.Increment(ref _samples);
        long seen;
        while (size > (seen = Interlocked.Read(ref _maxBytes)) && Interlocked.CompareExchange(ref _maxBytes, size, seen) != seen)
        {
        }
    }
}
