using Eldercare.Edge.Gateway.ModuleTwin;
using Microsoft.Azure.Devices.Client;
using Microsoft.Azure.Devices.Shared;

namespace Eldercare.Edge.Gateway.IotEdge;

/// <summary>
/// <see cref="IModuleTwin"/> over the module SDK's <see cref="ModuleClient"/> (connected through edgeHub with the
/// credentials edgeAgent gives the container). The only code that touches the SDK: JSON in, JSON out. The connection is
/// opened on first use, under the runner's time limit: the gateway does not wait for edgeHub to start.
/// </summary>
internal sealed class AzureModuleTwin(ModuleClient client) : IModuleTwin
{
    private readonly SemaphoreSlim _open = new(1, 1);
    private bool _opened;

    public async Task<string> ReadDesiredAsync(CancellationToken cancellationToken)
    {
        await EnsureOpenAsync(cancellationToken).ConfigureAwait(false);
        var twin = await client.GetTwinAsync(cancellationToken).ConfigureAwait(false);
        return twin.Properties.Desired.ToJson();
    }

    public async Task ReportAsync(string reportedJson, CancellationToken cancellationToken)
    {
        await EnsureOpenAsync(cancellationToken).ConfigureAwait(false);
        await client.UpdateReportedPropertiesAsync(new TwinCollection(reportedJson), cancellationToken).ConfigureAwait(false);
    }

    public async Task WatchDesiredAsync(Func<Task> changed, CancellationToken cancellationToken)
    {
        await EnsureOpenAsync(cancellationToken).ConfigureAwait(false);
        await client.SetDesiredPropertyUpdateCallbackAsync((_, _) => changed(), client, cancellationToken).ConfigureAwait(false);
    }

    private async Task EnsureOpenAsync(CancellationToken cancellationToken)
    {
        await _open.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_opened)
            {
                await client.OpenAsync(cancellationToken).ConfigureAwait(false);
                _opened = true;
            }
        }
        finally
        {
            _open.Release();
        }
    }
}
