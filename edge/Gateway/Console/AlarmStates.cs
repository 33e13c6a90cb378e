namespace Eldercare.Edge.Gateway.Console;

/// <summary>
/// The states of a booked alarm or service request and the outcomes that close it, as stored in console.db (strings:
/// the file is read by people and tools, and a state is never renumbered). Telecare desks keep "acknowledged" (taken)
/// apart from "closed" and escalate what was taken but not dealt with.
/// </summary>
public static class AlarmStates
{
    public const string Open = "open";
    public const string Taken = "taken";
    public const string Escalated = "escalated";
    public const string Closed = "closed";

    public const string KindAlarm = "alarm";
    public const string KindService = "service";

    /// <summary>Outcomes an operator closes an alarm with.</summary>
    public static readonly IReadOnlyList<string> AlarmOutcomes = ["false_alarm", "resolved_phone", "visit", "ambulance"];

    /// <summary>The outcome of a service request marked done.</summary>
    public const string ServiceDone = "done";

    /// <summary>Closed by the elder's own cancel (sos_cancel, fall_cancel) before anyone took it.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>A device_offline alarm closed by the device's device_online.</summary>
    public const string BackOnline = "back_online";

    /// <summary>Stored before the desk existed (its first start): history, not waiting for an answer.</summary>
    public const string BeforeConsole = "before_console";
}
