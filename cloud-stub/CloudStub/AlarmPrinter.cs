using Eldercare.Firmware.Core.Events;

namespace Eldercare.CloudStub;

/// <summary>
/// One line per stored alarm, <c>ALARM sos pendant-1:3:9 dev=pendant-1 latency_ms=41</c>, and one per acknowledgement,
/// <c>ACK sos pendant-1:3:9 dev=pendant-1 by=platform</c>, and one per configuration queued and answered
/// (<c>CONFIG queued|applied|rejected dev=... </c>), for the live demo.
/// </summary>
public sealed class AlarmPrinter(TextWriter output, bool enabled)
{
    private readonly object _gate = new();

    public void Print(IncomingEvent e, long cloudReceivedUnixMilliseconds)
    {
        if (!enabled)
        {
            return;
        }

        if (e.Type is EventTypes.ConfigApplied or EventTypes.ConfigRejected)
        {
            // A device's answer to a configuration: the operator who sent it wants to see it land (or why not).
            var report = System.Text.Json.Nodes.JsonNode.Parse(e.Payload);
            var info = report?["info"]?.GetValue<string>();
            Write($"CONFIG {(e.Type == EventTypes.ConfigApplied ? "applied" : "rejected")} dev={e.Dev} ver={report?["ref"]}{(info is null ? string.Empty : " reason=\"" + info + "\"")}");
            return;
        }

        if (e.Lane == EventTypes.AlarmLane)
        {
            Write($"ALARM {e.Type} {e.Id} dev={e.Dev} latency_ms={cloudReceivedUnixMilliseconds - e.Ts}");
        }
    }

    public void PrintConfiguration(AcknowledgementView item)
    {
        if (enabled)
        {
            Write($"CONFIG queued dev={item.Dev} {item.Id} via={item.Gateway}");
        }
    }

    private void Write(string line)
    {
        lock (_gate)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }

    public void PrintAcknowledgement(AcknowledgementView ack)
    {
        if (!enabled)
        {
            return;
        }

        Write($"ACK {ack.Type} {ack.Id} dev={ack.Dev} by={ack.By ?? "-"}");
    }
}
