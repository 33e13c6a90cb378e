using Microsoft.Extensions.Configuration;

namespace Eldercare.Edge.Gateway.Configuration;

/// <summary>
/// Every component's options, read once from configuration (appsettings.json, environment
/// <c>Gateway__Mqtt__Port</c>, command line <c>--Gateway:Mqtt:Port=</c>) and validated before anything starts.
/// Components receive only their own part.
/// </summary>
public sealed class GatewayOptions
{
    public required MqttOptions Mqtt { get; init; }

    public required StoreOptions Store { get; init; }

    public required ForwarderOptions Forwarder { get; init; }

    public required RegistryOptions Registry { get; init; }

    public required HttpOptions Http { get; init; }

    public static GatewayOptions Bind(IConfiguration configuration)
    {
        var root = configuration.GetSection("Gateway");
        return new GatewayOptions
        {
            Mqtt = root.GetSection("Mqtt").Get<MqttOptions>() ?? new MqttOptions(),
            Store = root.GetSection("Store").Get<StoreOptions>() ?? new StoreOptions(),
            Forwarder = root.GetSection("Forwarder").Get<ForwarderOptions>() ?? new ForwarderOptions(),
            Registry = root.GetSection("Registry").Get<RegistryOptions>() ?? new RegistryOptions(),
            Http = root.GetSection("Http").Get<HttpOptions>() ?? new HttpOptions(),
        };
    }

    /// <summary>All problems at once, so an operator fixes the file in one go.</summary>
    public IReadOnlyList<string> Validate()
    {
        return Mqtt.Validate()
            .Concat(Store.Validate())
            .Concat(Forwarder.Validate())
            .Concat(Registry.Validate())
            .Concat(Http.Validate())
            .ToList();
    }
}
