using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Forwarding;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Eldercare.Edge.Gateway.Hosting;

/// <summary>
/// The one place the upstream is chosen (<c>Gateway:Upstream:Kind</c>, edge/README.md "Upstream"): its section bound
/// and validated with the rest of the configuration, then the <see cref="IUpstream"/> the forwarder uses registered.
/// Each kind's options live in their own file (Configuration/MqttUpstreamOptions.cs).
/// </summary>
public static class UpstreamSetup
{
    public const string KindKey = "Gateway:Upstream:Kind";

    /// <summary>The chosen kind and its options; problems (all at once) as configuration errors.</summary>
    public sealed record Choice(UpstreamKind Kind, MqttUpstreamOptions? Mqtt);

    public static Choice Bind(IConfiguration configuration, out IReadOnlyList<string> problems)
    {
        var list = new List<string>();
        problems = list;
        var text = configuration[KindKey];
        var kind = UpstreamKind.Http;
        if (!string.IsNullOrWhiteSpace(text) && (!Enum.TryParse(text, ignoreCase: true, out kind) || !Enum.IsDefined(kind)))
        {
            list.Add($"{KindKey} '{text}' is not one of {string.Join(", ", Enum.GetNames<UpstreamKind>())}");
            return new Choice(UpstreamKind.Http, null);
        }

        switch (kind)
        {
            case UpstreamKind.Mqtt:
                MqttUpstreamOptions? mqtt;
                try
                {
                    mqtt = configuration.GetSection(MqttUpstreamOptions.Section).Get<MqttUpstreamOptions>() ?? new MqttUpstreamOptions();
                }
                catch (InvalidOperationException exception)
                {
                    list.Add(exception.Message);
                    return new Choice(kind, null);
                }

                list.AddRange(mqtt.Validate());
                return new Choice(kind, mqtt);
            default:
                return new Choice(UpstreamKind.Http, null);
        }
    }

    /// <summary>Registers the <see cref="IUpstream"/> of <paramref name="choice"/>.</summary>
    public static void AddUpstream(IServiceCollection services, Choice choice, ForwarderOptions forwarder, UpstreamTlsOptions httpTls)
    {
        switch (choice.Kind)
        {
            case UpstreamKind.Mqtt:
                services.AddSingleton<IUpstream>(sp => new MqttUpstream(choice.Mqtt!, forwarder, sp.GetRequiredService<ILogger<MqttUpstream>>()));
                break;
            default:
                services.AddSingleton<IUpstream>(_ => new HttpUpstream(new HttpClient(HttpUpstream.CreateHandler(httpTls)) { Timeout = Timeout.InfiniteTimeSpan }, forwarder));
                break;
        }
    }
}
