using Eldercare.Firmware.Core.Events;

namespace Eldercare.CloudStub;

/// <summary>
/// One line per stored alarm, <c>ALARM sos pendant-1:3:9 dev=pendant-1 latency_ms=41</c>, and one per acknowledgement,
/// <c>ACK sos pendant-1:3:9 dev=pendant-1 by=platform</c>, for the live demo.
/// </summary>
public sealed class AlarmPrinter(TextWriter output, bool enabled)
{
    private readonly object _gate = new();

    public void Print(IncomingEvent e, long cloudReceivedUnixMilliseconds)
    {
        if (!enabled || e.Lane != EventTypes.AlarmLane)
        {
            return;
        }

        lock (_gate)
        {
            output.WriteLine($"ALARM {e.Type} {e.Id} dev={e.Dev} latency_ms={cloudReceivedUnixMilliseconds - e.Ts}");
            output.Flush();
        }
    }

    public void PrintAcknowledgement(AcknowledgementView ack)
    {
        if (!enabled)
        {
            return;
        }

        lock (_gate)
        {
            output.WriteLine($"ACK {ack.Type} {ack.Id} dev={ack.Dev} by={ack.By ?? "-"}");
            output.Flush();
        }
    }
}
