namespace Eldercare.TestSupport;

/// <summary>
/// Starts the built gateway and cloud stub as real processes (EndToEnd tier) and waits for their ready line.
/// Build them first (<c>dotnet build Devices.sln</c>); the paths are <see cref="RepoPaths"/>.
/// </summary>
public static class ProcessHosts
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Cloud stub on 127.0.0.1:<paramref name="port"/> with its data in <paramref name="dataDirectory"/>.</summary>
    public static async Task<ManagedProcess> StartCloudStubAsync(int port, string dataDirectory, params string[] extraArgs)
    {
        var process = ManagedProcess.StartDotnet(RepoPaths.CloudStubDll,
            [$"--urls=http://127.0.0.1:{port}", $"--CloudStub:DataDirectory={dataDirectory}", .. extraArgs]);
        await process.WaitForLineAsync("cloud-stub ready", StartTimeout).ConfigureAwait(false);
        return process;
    }

    /// <summary>
    /// Gateway with the embedded broker on <paramref name="mqttPort"/>, console on <paramref name="httpPort"/>,
    /// data in <paramref name="dataDirectory"/>, registry at <paramref name="registryPath"/>, forwarding to <paramref name="cloudUrl"/>.
    /// </summary>
    public static async Task<ManagedProcess> StartGatewayAsync(int mqttPort, int httpPort, string dataDirectory, string registryPath, string cloudUrl, params string[] extraArgs)
    {
        var process = ManagedProcess.StartDotnet(RepoPaths.GatewayDll,
        [
            $"--Gateway:Mqtt:BindAddress=127.0.0.1",
            $"--Gateway:Mqtt:Port={mqttPort}",
            $"--Gateway:Http:BindAddress=127.0.0.1",
            $"--Gateway:Http:Port={httpPort}",
            $"--Gateway:Store:DataDirectory={dataDirectory}",
            $"--Gateway:Registry:Path={registryPath}",
            $"--Gateway:Forwarder:CloudUrl={cloudUrl}",
            .. extraArgs,
        ]);
        await process.WaitForLineAsync("gateway ready", StartTimeout).ConfigureAwait(false);
        return process;
    }
}
