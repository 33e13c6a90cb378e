using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Eldercare.Edge.Gateway.Registry;
using Eldercare.TestSupport;

namespace Eldercare.Edge.Tests.Deployment;

/// <summary>
/// The built gateway as systemd would run it with Type=notify and WatchdogSec: a notify socket of the test's own, and a
/// parent process named "systemd" (how Microsoft.Extensions.Hosting.Systemd 10.0 tells it runs under systemd: it reads
/// its parent's /proc/&lt;ppid&gt;/comm). No real systemd here (the build machine is a container): this is its protocol.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[TestClass]
[TestCategory("Deployment")]
public sealed class SystemdNotifyProcessTests
{
    [TestMethod]
    public async Task Gateway_UnderASystemdParent_SendsReadyThenWatchdogPings()
    {
        using var directory = new TempDirectory("notify");
        var registry = directory.File("devices.json");
        DeviceRegistryFile.Write(registry, [SecretHasher.CreateRecord("pendant-1", "secret-pendant-1", iterations: 1000)]);
        var socketPath = directory.File("notify.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));
        var systemd = directory.File("systemd");
        File.CreateSymbolicLink(systemd, "/bin/sh");
        var info = new ProcessStartInfo(systemd)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // The shell stays the gateway's parent (no exec of the last command: "; exit").
        foreach (var argument in new[]
        {
            "-c", "\"$@\"; exit $?", "systemd", "dotnet", RepoPaths.GatewayDll,
            "--Gateway:Mqtt:BindAddress=127.0.0.1", $"--Gateway:Mqtt:Port={FreePort.Next()}",
            "--Gateway:Http:BindAddress=127.0.0.1", "--Gateway:Http:Port=0",
            $"--Gateway:Store:DataDirectory={directory.File("data")}", $"--Gateway:Registry:Path={registry}",
            "--Gateway:Forwarder:CloudUrl=http://127.0.0.1:9",
        })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["NOTIFY_SOCKET"] = socketPath;
        info.Environment["WATCHDOG_USEC"] = "2000000";
        info.Environment.Remove("WATCHDOG_PID");
        info.Environment.Remove("SYSTEMD_EXEC_PID");

        var received = new List<string>();
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the gateway");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var buffer = new byte[4096];
            while (!(received.Contains("READY=1") && received.Count(m => m == "WATCHDOG=1") >= 2))
            {
                int length;
                try
                {
                    length = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                received.AddRange(Encoding.UTF8.GetString(buffer, 0, length).Split('\n', StringSplitOptions.RemoveEmptyEntries));
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        var log = $"received: [{string.Join(", ", received)}]\nstdout:\n{await output}\nstderr:\n{await error}";
        Assert.Contains("READY=1", received, log);
        Assert.IsGreaterThanOrEqualTo(2, received.Count(m => m == "WATCHDOG=1"), log);
    }
}
