using Eldercare.CloudStub;

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
