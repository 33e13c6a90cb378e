namespace Eldercare.Edge.Gateway.Health;

/// <summary>A <c>device_offline</c> alarm raised and not yet cleared: what the <c>device_online</c> that clears it
/// refers to (its boot epoch and seq), and since when the device is offline.</summary>
public sealed record OpenAlarm(string DeviceId, string AlarmId, int Boot, int Seq, long RaisedUnixMilliseconds);
