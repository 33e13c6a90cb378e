namespace Eldercare.VirtualDevice.Smoke;

/// <summary>
/// One end-to-end flow of the smoke check: it acts on the community's devices, then checks what the cloud stub and
/// the devices actually show. Returns a short account when it passed; throws <see cref="SmokeFailure"/> when not.
/// </summary>
public interface ISmokeFlow
{
    /// <summary>The flow's name on its <c>smoke: NAME PASS</c> line.</summary>
    string Name { get; }

    Task<string> RunAsync(SmokeContext context, CancellationToken cancel);
}
