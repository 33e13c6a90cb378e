using Eldercare.Edge.Gateway.Hosting;
using Eldercare.Edge.Gateway.IotEdge;
using Eldercare.Edge.Gateway.ModuleTwin;
using Microsoft.Azure.Devices.Client;
using Microsoft.Azure.Devices.Client.Transport.Mqtt;

// The gateway's own commands, in the container too (docker exec CONTAINER dotnet Eldercare.Edge.Gateway.IotEdge.dll
// devices add ... / console ...): they need no module identity.
if (args.Length > 0 && args[0] == "devices")
{
    return Eldercare.Edge.Gateway.Registry.DevicesCommand.Run(args, Console.Out, Console.Error);
}

if (args.Length > 0 && args[0] == "console")
{
    return Eldercare.Edge.Gateway.Console.ConsoleCommand.Run(args, Console.In, Console.Out, Console.Error);
}

// The gateway's own program sets this before any socket exists (edge/Gateway/Program.cs says why); so does the module.
if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
{
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
}

// edgeAgent gives the container its identity (IOTEDGE_* variables); MQTT over TCP to edgeHub in the same network.
// Opened on first use by AzureModuleTwin, within the runner's time limit (the gateway starts even while edgeHub does not).
using var client = await ModuleClient.CreateFromEnvironmentAsync([new MqttTransportSettings(TransportType.Mqtt_Tcp_Only)]);
using var stopping = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stopping.Cancel();
};
var runner = new ModuleTwinRunner(new AzureModuleTwin(client), args,
    arguments => GatewayHost.Create(arguments, contentRoot: AppContext.BaseDirectory), Console.Out, Console.Error);
var exitCode = await runner.RunAsync(stopping.Token);
try
{
    await client.CloseAsync().WaitAsync(TimeSpan.FromSeconds(5));
}
catch (Exception exception) when (exception is not OutOfMemoryException)
{
    // edgeHub gone or never reached: nothing to close cleanly; the exit code is the gateway's.
}

return exitCode;
