namespace Eldercare.Edge.Gateway.ModuleTwin;

/// <summary>
/// The module twin of the gateway when it runs as an Azure IoT Edge module: desired properties in, reported properties
/// out, as JSON text so that this interface (and everything that uses it) needs no Azure SDK. The one implementation
/// over <c>Microsoft.Azure.Devices.Client</c>'s <c>ModuleClient</c> lives in <c>edge/Gateway.IotEdge</c> (built by
/// its Dockerfile where NuGet serves that package); tests use a fake. Standalone, nothing implements it and the gateway
/// never asks for it (edge/README.md "Azure IoT Edge").
/// </summary>
public interface IModuleTwin
{
    /// <summary>The desired properties as IoT Hub holds them now: a JSON object (with its <c>$version</c>).</summary>
    Task<string> ReadDesiredAsync(CancellationToken cancellationToken);

    /// <summary>Patches the reported properties with <paramref name="reportedJson"/> (a JSON object; null removes a key).</summary>
    Task ReportAsync(string reportedJson, CancellationToken cancellationToken);

    /// <summary>
    /// Calls <paramref name="changed"/> after each change of the desired properties from now on (the caller reads them
    /// again in full: IoT Hub sends a patch, and the gateway decides on the whole); completes once subscribed.
    /// </summary>
    Task WatchDesiredAsync(Func<Task> changed, CancellationToken cancellationToken);
}
