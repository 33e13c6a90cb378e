namespace Eldercare.Firmware.Core.Outbox
{
    /// <summary>An outbox event was acknowledged by the gateway (PUBACK) and removed.</summary>
    public delegate void EntryDeliveredEventHandler(object sender, OutboxEntry entry);
}
