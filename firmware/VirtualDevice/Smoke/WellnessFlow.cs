using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Wellness;
using Eldercare.VirtualDevice.Cloud;

namespace Eldercare.VirtualDevice.Smoke;

/// <summary>
/// An elder goes quiet (worn, still) -> one <c>wellness</c> alarm after the period, stamped within the waking hours ->
/// an operator acknowledges it at the cloud stub -> the pendant shows HelpComing.
/// </summary>
public sealed class WellnessFlow(string deviceId, WakingHours wakingHours) : ISmokeFlow
{
    public string Name => "wellness";

    public async Task<string> RunAsync(SmokeContext context, CancellationToken cancel)
    {
        VirtualPendant pendant = context.Community.Find(deviceId) ?? throw new SmokeFailure($"no pendant {deviceId}");
        long quietAt = pendant.Clock.UtcNowUnixMilliseconds;
        pendant.GoQuiet();
        CloudEvent alarm = await context.ExactlyOnceAsync(deviceId, EventTypes.Wellness, _ => true, $"wellness alarm from {deviceId}", cancel);
        if (!wakingHours.Contains(alarm.Ts))
        {
            throw new SmokeFailure($"{alarm.Id} at ts={alarm.Ts} is outside the waking hours {wakingHours.Describe()} (China time)");
        }

        await context.AcknowledgeAsync(alarm, cancel);
        TimeSpan took = await context.UntilShownAsync(
            () => pendant.Indicator.History.Contains(Eldercare.Firmware.Core.Hardware.IndicatorPattern.HelpComing), $"HelpComing on {deviceId}", cancel);
        return $"{alarm.Id} once at the cloud, {(alarm.Ts - quietAt) / 1000.0:0.0} s after going quiet, within waking hours {wakingHours.Describe()} ({alarm.Text("info")}); acknowledged -> HelpComing {took.TotalMilliseconds:0} ms later";
    }
}
