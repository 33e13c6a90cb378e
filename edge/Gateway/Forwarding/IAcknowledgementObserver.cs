namespace Eldercare.Edge.Gateway.Forwarding;

/// <summary>
/// Told of each acknowledgement of one of this gateway's events that <see cref="AcknowledgementPuller"/> reads from the
/// platform (e.g. the console shows that the platform's operator is on an alarm). Called on the puller's loop: keep it
/// short, and never throw (the puller's cursor must move on).
/// </summary>
public interface IAcknowledgementObserver
{
    void Acknowledged(string eventId, string? by);
}
