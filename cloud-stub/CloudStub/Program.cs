using Eldercare.CloudStub;

// A batch of 1,000 events takes a thread for tens of milliseconds to parse; with the pool's minimum (one thread per
// core) a one-alarm request waited for one of them, or for the pool to add a thread (~0.5 s steps). The platform
// this stands in for answers an alarm without queueing behind bulk uploads, so the stub starts with spare threads.
ThreadPool.GetMinThreads(out var minWorkers, out var minIo);
ThreadPool.SetMinThreads(Math.Max(minWorkers, 16), minIo);

CloudStubHost host;
try
{
    host = CloudStubHost.Create(args, contentRoot: AppContext.BaseDirectory);
}
catch (InvalidOperationException exception)
{
    Console.Error.WriteLine(exception.Message);
    return 2;
}

await using (host)
{
    await host.StartAsync();
    Console.WriteLine(host.ReadyLine);
    await host.WaitForShutdownAsync();
}

return 0;
