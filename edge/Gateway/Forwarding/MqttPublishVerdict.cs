namespace Eldercare.Edge.Gateway.Forwarding;

/// <summary>What one PUBACK means for its event (<see cref="MqttPublishAnswers.Judge"/>).</summary>
public enum MqttPublishVerdict
{
    /// <summary>The broker took it: marked forwarded.</summary>
    Accepted,

    /// <summary>The broker will never take these bytes (bad topic or payload): kept in the store, never resent.</summary>
    Rejected,

    /// <summary>Not taken now (no PUBACK, quota, not authorised yet, nobody subscribed): sent again later.</summary>
    Retry,
}
