using Eldercare.Edge.Gateway.ModuleTwin;
using Microsoft.Azure.Devices.Client;
using Microsoft.Azure.Devices.Shared;

namespace Eldercare.Edge.Gateway.IotEdge;

/// <summary>
/// <see cref="IModuleTwin"/> over the module SDK's <see cref="ModuleClient"/> (connected through edgeHub with the
/// credentials edgeAgent gives the container). The only code that touches the SDK: JSON in, JSON out.
/// </summary>
internal sealed class AzureModuleTwin(ModuleClient client) : IModuleTwin
{
    public async Task<string> ReadDesiredAsync(CancellationToken cancellationToken)
    {
        var twin = await client.GetTwinAsync(cancellationToken).ConfigureAwait(false);
        return twin.Properties.Desired.ToJson();
    }

    public Task ReportAsync(string reportedJson, CancellationToken cancellationToken) =>
        client.UpdateReportedPropertiesAsync(new TwinCollection(reportedJson), cancellationToken);

    public Task WatchDesiredAsync(Func<Task> changed, CancellationToken cancellationToken) =>
        client.SetDesiredPropertyUpdateCallbackAsync((_, _) => changed(), client, cancellationToken);
}
