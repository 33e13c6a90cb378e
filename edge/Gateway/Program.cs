using Eldercare.Edge.Gateway.Hosting;
using Eldercare.Edge.Gateway.Registry;

if (args.Length > 0 && args[0] == "devices")
{
    return DevicesCommand.Run(args, Console.Out, Console.Error);
}

if (args.Length > 0 && args[0] == "console")
{
    return Eldercare.Edge.Gateway.Console.ConsoleCommand.Run(args, Console.In, Console.Out, Console.Error);
}

// Socket continuations run on the socket engine's thread instead of queueing behind the thread pool's backlog:
// during a reconnect storm an SOS is read as soon as it arrives (bench/README.md "Gateway performance journal"). Read by the
// runtime when the first socket is created, so set before anything else; an operator's own setting wins.
if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
{
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
}

GatewayHost host;
try
{
    // appsettings.json next to the binary, whatever the working directory; relative data paths stay relative to it.
    host = GatewayHost.Create(args, contentRoot: AppContext.BaseDirectory);
}
catch (GatewayConfigurationException exception)
{
    Console.Error.WriteLine(exception.Message);
    return 2;
}

await using (host)
{
    try
    {
        await host.StartAsync();
    }
    catch (Exception exception) when (exception is IOException or System.Net.Sockets.SocketException or Microsoft.Data.Sqlite.SqliteException)
    {
        Console.Error.WriteLine($"gateway failed to start: {exception.Message}");
        return 1;
    }
    catch (GatewayConfigurationException exception)
    {
        // Checks that need the registry (a GatewayId that is also a device id): reported as configuration, exit 2.
        Console.Error.WriteLine(exception.Message);
        return 2;
    }

    // External mode: ready once the broker holds the gateway's subscription. Before it, mosquitto keeps nothing for
    // the gateway (no session yet), so a device's PUBACKed event would be dropped: whoever waits for "ready" (an
    // installer's script, the tests) must not start devices earlier.
    var subscribed = host.WaitUntilSubscribedAsync();
    var shutdown = host.WaitForShutdownAsync();
    if (await Task.WhenAny(subscribed, Task.Delay(TimeSpan.FromSeconds(2))) != subscribed)
    {
        Console.WriteLine("gateway waiting for the external broker to take its subscription");
    }

    if (await Task.WhenAny(subscribed, shutdown) == subscribed)
    {
        Console.WriteLine(host.ReadyLine);
    }

    await shutdown;
}

return 0;
