namespace Eldercare.Edge.Gateway.Configuration;

/// <summary>Configuration section <c>Gateway:Http</c>: the operator console (/health, /metrics).</summary>
public sealed class HttpOptions
{
    public string BindAddress { get; init; } = "0.0.0.0";

    /// <summary>0 disables the console (tests that do not need it).</summary>
    public int Port { get; init; } = 8080;

    public IEnumerable<string> Validate()
    {
        if (Port is < 0 or > 65535)
        {
            yield return $"Gateway:Http:Port must be 0..65535, got {Port}";
        }

        if (!System.Net.IPAddress.TryParse(BindAddress, out _))
        {
            yield return $"Gateway:Http:BindAddress '{BindAddress}' is not an IP address";
        }
    }
}
