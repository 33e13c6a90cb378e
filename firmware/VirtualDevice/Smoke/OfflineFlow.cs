using Eldercare.Firmware.Core.Events;
using Eldercare.VirtualDevice.Cloud;

namespace Eldercare.VirtualDevice.Smoke;

/// <summary>
/// A pendant's power is cut (the connection drops, no DISCONNECT) -> the gateway's <c>device_offline</c> about it
/// (dev = the gateway, subj = the pendant) once -> power back -> one <c>device_online</c> whose ref is that alarm's seq.
/// </summary>
public sealed class OfflineFlow(string deviceId, string gatewayId) : ISmokeFlow
{
    public string Name => "offline";

    public async Task<string> RunAsync(SmokeContext context, CancellationToken cancel)
    {
        if (!context.Community.PowerCut(deviceId))
        {
            throw new SmokeFailure($"no powered wearable {deviceId}");
        }

        DateTime cut = DateTime.UtcNow;
        CloudEvent offline = await context.ExactlyOnceAsync(gatewayId, EventTypes.DeviceOffline, e => e.Text("subj") == deviceId, $"device_offline about {deviceId} from {gatewayId}", cancel);
        double offlineAfter = (DateTime.UtcNow - cut).TotalSeconds;
        if (!context.Community.PowerOn(deviceId))
        {
            throw new SmokeFailure($"could not power {deviceId} on again");
        }

        CloudEvent online = await context.ExactlyOnceAsync(gatewayId, EventTypes.DeviceOnline, e => e.Text("subj") == deviceId, $"device_online about {deviceId} from {gatewayId}", cancel);
        if (online.Number("ref") is not double reference || (int)reference != offline.Seq || online.Boot != offline.Boot)
        {
            throw new SmokeFailure($"{online.Id} ref={online.Number("ref")} does not clear {offline.Id}");
        }

        return $"{offline.Id} ({offline.Text("info")}) once, seen {offlineAfter:0} s after the cut; back -> {online.Id} clears it";
    }
}
