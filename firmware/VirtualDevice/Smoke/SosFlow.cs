using Eldercare.Firmware.Core.Events;
using Eldercare.VirtualDevice.Cloud;

namespace Eldercare.VirtualDevice.Smoke;

/// <summary>SOS held on a pendant -> one <c>sos</c> alarm at the cloud stub.</summary>
public sealed class SosFlow(string deviceId) : ISmokeFlow
{
    public string Name => "sos";

    public async Task<string> RunAsync(SmokeContext context, CancellationToken cancel)
    {
        VirtualPendant pendant = context.Community.Find(deviceId) ?? throw new SmokeFailure($"no pendant {deviceId}");
        long pressed = pendant.Clock.UtcNowUnixMilliseconds;
        pendant.PressSos();
        CloudEvent sos = await context.ExactlyOnceAsync(deviceId, EventTypes.Sos, _ => true, $"sos from {deviceId}", cancel);
        if (sos.Lane != EventTypes.AlarmLane)
        {
            throw new SmokeFailure($"{sos.Id} came in lane {sos.Lane}, not {EventTypes.AlarmLane}");
        }

        return $"{sos.Id} once at the cloud, raised {sos.Ts - pressed} ms after the press (2 s long press)";
    }
}
