using Eldercare.Firmware.Core.Events;
using Eldercare.VirtualDevice.Cloud;

namespace Eldercare.VirtualDevice.Smoke;

/// <summary>A fall played into a pendant's accelerometer -> the on-device detector raises one <c>fall</c> alarm.</summary>
public sealed class FallFlow(string deviceId) : ISmokeFlow
{
    public string Name => "fall";

    public async Task<string> RunAsync(SmokeContext context, CancellationToken cancel)
    {
        VirtualPendant pendant = context.Community.Find(deviceId) ?? throw new SmokeFailure($"no pendant {deviceId}");
        pendant.SimulateFall();
        CloudEvent fall = await context.ExactlyOnceAsync(deviceId, EventTypes.Fall, _ => true, $"fall from {deviceId}", cancel);
        return $"{fall.Id} once at the cloud ({fall.Text("info") ?? "no info"})";
    }
}
