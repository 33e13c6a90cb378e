using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Hardware;
using Eldercare.VirtualDevice.Cloud;

namespace Eldercare.VirtualDevice.Smoke;

/// <summary>
/// SOS on a pendant -> at the cloud once -> an operator acknowledges it at the cloud stub -> the gateway's long poll and
/// the pendant's command topic -> the pendant shows HelpComing.
/// </summary>
public sealed class AckFlow(string deviceId) : ISmokeFlow
{
    public string Name => "ack";

    public async Task<string> RunAsync(SmokeContext context, CancellationToken cancel)
    {
        VirtualPendant pendant = context.Community.Find(deviceId) ?? throw new SmokeFailure($"no pendant {deviceId}");
        pendant.PressSos();
        CloudEvent sos = await context.ExactlyOnceAsync(deviceId, EventTypes.Sos, _ => true, $"sos from {deviceId}", cancel);
        await context.AcknowledgeAsync(sos, cancel);
        TimeSpan took = await context.UntilShownAsync(
            () => pendant.Indicator.History.Contains(IndicatorPattern.HelpComing), $"HelpComing on {deviceId}", cancel);
        return $"{sos.Id} acknowledged at the cloud stub, {deviceId} shows HelpComing {took.TotalMilliseconds:0} ms later";
    }
}
