using Eldercare.Firmware.Core.Events;

namespace Eldercare.Edge.Gateway.Store;

/// <summary>
/// How the store writes a lane (the <c>lane</c> column of <c>events</c> and <c>tombstones</c>): one owner for the
/// mapping the store's statements and reads use. A lower code is read first (alarms before telemetry).
/// </summary>
internal static class LaneCodes
{
    public const int Alarm = 0;

    public const int Telemetry = 1;

    public static int Of(string lane) => lane == EventTypes.AlarmLane ? Alarm : Telemetry;

    public static string NameOf(int code) => code == Alarm ? EventTypes.AlarmLane : EventTypes.TelemetryLane;
}
