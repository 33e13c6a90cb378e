using Eldercare.Edge.Gateway.Broker.Sessions;
using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Forwarding;
using Eldercare.Edge.Gateway.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace Eldercare.Edge.Gateway.Hosting;

/// <summary>
/// The one place the upstream is chosen (<c>Gateway:Upstream:Kind</c>, edge/README.md "Upstream"): its section bound
/// and validated with the rest of the configuration, then what the forwarder sends through (<see cref="IUpstream"/>)
/// and how the platform's feed comes back (handled by one <see cref="PlatformFeedHandler"/> whichever way it comes).
/// Each kind's options live in their own file (Configuration/MqttUpstreamOptions.cs, JetStreamUpstreamOptions.cs).
/// </summary>
public static class UpstreamSetup
{
    public const string KindKey = "Gateway:Upstream:Kind";

    /// <summary>The chosen kind and its options (the JetStream defaults are always bound; the MQTT section only when chosen).</summary>
    public sealed record Choice(UpstreamKind Kind, JetStreamUpstreamOptions JetStream, MqttUpstreamOptions? Mqtt = null);

    /// <summary>The choice, or every problem at once in one <see cref="GatewayConfigurationException"/>.</summary>
    public static Choice Bind(IConfiguration configuration, string gatewayId)
    {
        var choice = Bind(configuration, gatewayId, out var problems);
        if (problems.Count > 0)
        {
            throw new GatewayConfigurationException(problems);
        }

        return choice;
    }

    /// <summary>The choice; problems (all at once) as configuration errors for the caller to report with its own.</summary>
    public static Choice Bind(IConfiguration configuration, out IReadOnlyList<string> problems) =>
        Bind(configuration, configuration["Gateway:Forwarder:GatewayId"] ?? new ForwarderOptions().GatewayId, out problems);

    public static Choice Bind(IConfiguration configuration, string gatewayId, out IReadOnlyList<string> problems)
    {
        var list = new List<string>();
        problems = list;
        var kindText = configuration[KindKey];
        // Names only: "1" would parse as an enum value.
        if (kindText is not null && (!Enum.TryParse<UpstreamKind>(kindText, ignoreCase: true, out _) || int.TryParse(kindText, out _)))
        {
            list.Add($"{KindKey} '{kindText}' is not one of {string.Join(", ", Enum.GetNames<UpstreamKind>())}");
            return new Choice(UpstreamKind.Http, new JetStreamUpstreamOptions());
        }

        var kind = kindText is null ? UpstreamKind.Http : Enum.Parse<UpstreamKind>(kindText, ignoreCase: true);
        JetStreamUpstreamOptions jetStream;
        try
        {
            jetStream = configuration.GetSection("Gateway:Upstream:JetStream").Get<JetStreamUpstreamOptions>() ?? new JetStreamUpstreamOptions();
        }
        catch (InvalidOperationException exception)
        {
            list.Add(exception.Message);
            return new Choice(kind, new JetStreamUpstreamOptions());
        }

        switch (kind)
        {
            case UpstreamKind.JetStream:
                list.AddRange(jetStream.Validate(gatewayId));
                return new Choice(kind, jetStream);
            case UpstreamKind.Mqtt:
                MqttUpstreamOptions mqtt;
                try
                {
                    mqtt = configuration.GetSection(MqttUpstreamOptions.Section).Get<MqttUpstreamOptions>() ?? new MqttUpstreamOptions();
                }
                catch (InvalidOperationException exception)
                {
                    list.Add(exception.Message);
                    return new Choice(kind, jetStream);
                }

                list.AddRange(mqtt.Validate());
                return new Choice(kind, jetStream, mqtt);
            default:
                return new Choice(UpstreamKind.Http, jetStream);
        }
    }

    /// <summary>Registers the <see cref="IUpstream"/> of <paramref name="choice"/> and the platform's feed back to the devices.</summary>
    public static void AddUpstream(IServiceCollection services, Choice choice, ForwarderOptions forwarder, UpstreamTlsOptions upstreamTls, string dataDirectory)
    {
        services.AddSingleton(sp => new PlatformFeedHandler(forwarder.GatewayId, sp.GetRequiredService<IDownlinks>(), sp.GetRequiredService<GatewayMetrics>(),
            sp.GetRequiredService<ILogger<PlatformFeedHandler>>(), sp.GetServices<IAcknowledgementObserver>()));
        switch (choice.Kind)
        {
            case UpstreamKind.JetStream:
                AddJetStream(services, choice.JetStream, forwarder);
                break;
            case UpstreamKind.Mqtt:
                services.AddSingleton<IUpstream>(sp => new MqttUpstream(choice.Mqtt!, forwarder, sp.GetRequiredService<ILogger<MqttUpstream>>()));
                // Acknowledgements still come by the HTTP long poll to CloudUrl in this mode (edge/README.md "Upstream").
                AddLongPoll(services, forwarder, upstreamTls, dataDirectory);
                break;
            default:
                services.AddSingleton<IUpstream>(_ => new HttpUpstream(new HttpClient(HttpUpstream.CreateHandler(upstreamTls)) { Timeout = Timeout.InfiniteTimeSpan }, forwarder));
                AddLongPoll(services, forwarder, upstreamTls, dataDirectory);
                break;
        }
    }

    /// <summary>The platform's acknowledgements and configurations back to the devices: a long poll the gateway opens.</summary>
    private static void AddLongPoll(IServiceCollection services, ForwarderOptions forwarder, UpstreamTlsOptions upstreamTls, string dataDirectory)
    {
        services.AddSingleton(sp => new AcknowledgementPuller(
            new HttpClient(HttpUpstream.CreateHandler(upstreamTls)) { Timeout = Timeout.InfiniteTimeSpan },
            forwarder,
            dataDirectory,
            sp.GetRequiredService<PlatformFeedHandler>(),
            sp.GetRequiredService<GatewayMetrics>(),
            sp.GetRequiredService<ILogger<AcknowledgementPuller>>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService(sp => sp.GetRequiredService<AcknowledgementPuller>());
    }

    /// <summary>
    /// The connection to the cluster as the gateway opens it: every seed, reconnecting for ever, the options' credentials
    /// and CA (a <c>tls://</c> seed, or a CA file, means TLS; the server's certificate is checked against the CA or the
    /// system's CAs). Also what the TLS tests connect with.
    /// </summary>
    internal static NatsOpts JetStreamConnectionOptions(JetStreamUpstreamOptions options, string gatewayId, ILoggerFactory loggerFactory) => new()
    {
        Url = string.Join(',', options.Servers),
        Name = "eldercare-gateway-" + gatewayId,
        RetryOnInitialConnect = true,
        MaxReconnectRetry = -1,
        ReconnectWaitMin = TimeSpan.FromMilliseconds(100),
        ReconnectWaitMax = TimeSpan.FromSeconds(2),
        RequestTimeout = TimeSpan.FromMilliseconds(options.AckTimeoutMilliseconds),
        AuthOpts = string.IsNullOrEmpty(options.Username) ? NatsAuthOpts.Default : NatsAuthOpts.Default with { Username = options.Username, Password = options.Password },
        TlsOpts = string.IsNullOrWhiteSpace(options.TrustedCaPath) ? NatsTlsOpts.Default : NatsTlsOpts.Default with { CaFile = options.TrustedCaPath },
        LoggerFactory = loggerFactory,
    };

    /// <summary>One connection to the cluster for events and the feed; it reconnects to any seed or learned server by itself.</summary>
    private static void AddJetStream(IServiceCollection services, JetStreamUpstreamOptions options, ForwarderOptions forwarder)
    {
        services.AddSingleton<INatsConnection>(sp => new NatsConnection(JetStreamConnectionOptions(options, forwarder.GatewayId, sp.GetRequiredService<ILoggerFactory>())));
        services.AddSingleton<IUpstream>(sp => new JetStreamUpstream(sp.GetRequiredService<INatsConnection>(), forwarder.GatewayId, options, sp.GetRequiredService<ILogger<JetStreamUpstream>>()));
        services.AddSingleton(sp => new JetStreamDownlinkConsumer(sp.GetRequiredService<INatsConnection>(), forwarder.GatewayId, sp.GetRequiredService<PlatformFeedHandler>(),
            sp.GetRequiredService<GatewayMetrics>(), sp.GetRequiredService<ILogger<JetStreamDownlinkConsumer>>(), sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService(sp => sp.GetRequiredService<JetStreamDownlinkConsumer>());
    }
}
