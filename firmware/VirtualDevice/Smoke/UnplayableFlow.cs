namespace Eldercare.VirtualDevice.Smoke;

/// <summary>A flow the device list cannot play (no device for the part): it fails with the reason.</summary>
public sealed class UnplayableFlow(string name, string reason) : ISmokeFlow
{
    public string Name => name;

    public Task<string> RunAsync(SmokeContext context, CancellationToken cancel) => Task.FromException<string>(new SmokeFailure(reason));
}
