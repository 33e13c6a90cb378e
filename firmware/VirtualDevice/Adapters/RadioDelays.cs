namespace Eldercare.VirtualDevice.Adapters;

/// <summary>
/// The modelled cost of bringing the radio up, milliseconds (defaults: the core's <see cref="Eldercare.Firmware.Core.Power.RadioTimings"/>,
/// with their sources): radio wake, association with the access point and DHCP before the TCP connect, and the MQTT
/// CONNECT / CONNACK (plus TLS when set) on top of the loopback's own.
/// </summary>
public sealed record RadioDelays(int WakeMilliseconds, int AssociationMilliseconds, int DhcpMilliseconds, int MqttConnectMilliseconds)
{
    public static RadioDelays Default { get; } = new(
        Eldercare.Firmware.Core.Power.RadioTimings.WakeMilliseconds,
        Eldercare.Firmware.Core.Power.RadioTimings.AssociationMilliseconds,
        Eldercare.Firmware.Core.Power.RadioTimings.DhcpMilliseconds,
        Eldercare.Firmware.Core.Power.RadioTimings.MqttConnectMilliseconds);

    /// <summary>No modelled delay (the loopback's own only).</summary>
    public static RadioDelays None { get; } = new(0, 0, 0, 0);

    /// <summary>Radio off to network up (before the MQTT connect).</summary>
    public int NetworkMilliseconds => WakeMilliseconds + AssociationMilliseconds + DhcpMilliseconds;

    public int TotalMilliseconds => NetworkMilliseconds + MqttConnectMilliseconds;

    /// <summary>"wake,assoc,dhcp,mqtt" in milliseconds (the CLI's <c>--radio-delays</c>).</summary>
    public static RadioDelays Parse(string text)
    {
        string[] parts = text.Split(',');
        if (parts.Length != 4 || !parts.All(p => int.TryParse(p, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int v) && v <= 60_000))
        {
            throw new FormatException($"radio delays '{text}': expected wake,association,dhcp,mqtt in milliseconds (0..60000 each), e.g. 150,700,300,100");
        }

        int[] v = parts.Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return new RadioDelays(v[0], v[1], v[2], v[3]);
    }
}
