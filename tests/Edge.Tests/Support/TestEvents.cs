using Eldercare.Edge.Gateway.Store;
using Eldercare.Firmware.Core.Events;

namespace Eldercare.Edge.Tests.Support;

/// <summary>Events for tests, encoded with the firmware's own codec.</summary>
public static class TestEvents
{
    public static DeviceEvent Make(string device, int seq, string type = EventTypes.Sos, int boot = 1)
    {
        var e = new DeviceEvent(device, boot, seq, type, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        if (type == EventTypes.Heartbeat)
        {
            e.BatteryPercent = 80;
        }

        return e;
    }

    public static EventRecord Record(string device, int seq, string type = EventTypes.Sos, int boot = 1)
    {
        var e = Make(device, seq, type, boot);
        return EventRecord.FromDevice(e, EventCodec.EncodeToString(e), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }
}
