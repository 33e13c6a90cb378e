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
/// The one place the upstream is chosen (<c>Gateway:Upstream:Kind</c>, edge/README.md "Upstream"): what the forwarder
/// sends through (<see cref="IUpstream"/>) and how the platform's feed comes back (handled by one
/// <see cref="PlatformFeedHandler"/> whichever way it comes).
/// </summary>
public static class UpstreamSetup
{
    /// <summary>The chosen kind and its section, validated: every problem in one <see cref="GatewayConfigurationException"/>.</summary>
    public sealed record Choice(UpstreamKind Kind, JetStreamUpstreamOptions JetStream);

    public static Choice Bind(IConfiguration configuration, string gatewayId)
    {
        var section = configuration.GetSection("Gateway:Upstream");
        var kindText = section["Kind"];
        if (kindText is not null && (!Enum.TryParse<UpstreamKind>(kindText, ignoreCase: true, out _) || int.TryParse(kindText, out _)))
        {
            throw new GatewayConfigurationException([$"Gateway:Upstream:Kind '{kindText}' is not one of {string.Join(", ", Enum.GetNames<UpstreamKind>())}"]);
        }

        var kind = kindText is null ? UpstreamKind.Http : Enum.Parse<UpstreamKind>(kindText, ignoreCase: true);
        JetStreamUpstreamOptions jetStream;
        try
        {
            jetStream = section.GetSection("JetStream").Get<JetStreamUpstreamOptions>() ?? new JetStreamUpstreamOptions();
        }
        catch (InvalidOperationException exception)
        {
            throw new GatewayConfigurationException([exception.Message]);
        }

        if (kind == UpstreamKind.JetStream)
        {
            var problems = jetStream.Validate(gatewayId).ToList();
            if (problems.Count > 0)
            {
                throw new GatewayConfigurationException(problems);
            }
        }

        return new Choice(kind, jetStream);
    }

    public static void AddUpstream(IServiceCollection services, Choice choice, ForwarderOptions forwarder, UpstreamTlsOptions upstreamTls, string dataDirectory)
    {
        services.AddSingleton(sp => new PlatformFeedHandler(forwarder.GatewayId, sp.GetRequiredService<IDownlinks>(), sp.GetRequiredService<GatewayMetrics>(),
            sp.GetRequiredService<ILogger<PlatformFeedHandler>>(), sp.GetServices<IAcknowledgementObserver>()));
        switch (choice.Kind)
        {
            case UpstreamKind.JetStream:
                AddJetStream(services, choice.JetStream, forwarder);
                break;
            default:
                services.AddSingleton<IUpstream>(_ => new HttpUpstream(new HttpClient(HttpUpstream.CreateHandler(upstreamTls)) { Timeout = Timeout.InfiniteTimeSpan }, forwarder));
                // The platform's acknowledgements and configurations back to the devices: a long poll the gateway opens.
                services.AddSingleton(sp => new AcknowledgementPuller(
                    new HttpClient(HttpUpstream.CreateHandler(upstreamTls)) { Timeout = Timeout.InfiniteTimeSpan },
                    forwarder,
                    dataDirectory,
                    sp.GetRequiredService<PlatformFeedHandler>(),
                    sp.GetRequiredService<GatewayMetrics>(),
                    sp.GetRequiredService<ILogger<AcknowledgementPuller>>(),
                    sp.GetRequiredService<TimeProvider>()));
                services.AddHostedService(sp => sp.GetRequiredService<AcknowledgementPuller>());
                break;
        }
    }

    /// <summary>One connection to the cluster for events and the feed; it reconnects to any seed or learned server by itself.</summary>
    private static void AddJetStream(IServiceCollection services, JetStreamUpstreamOptions options, ForwarderOptions forwarder)
    {
        services.AddSingleton<INatsConnection>(sp => new NatsConnection(new NatsOpts
        {
            Url = string.Join(',', options.Servers),
            Name = "eldercare-gateway-" + forwarder.GatewayId,
            RetryOnInitialConnect = true,
            MaxReconnectRetry = -1,
            ReconnectWaitMin = TimeSpan.FromMilliseconds(100),
            ReconnectWaitMax = TimeSpan.FromSeconds(2),
            RequestTimeout = TimeSpan.FromMilliseconds(options.AckTimeoutMilliseconds),
            AuthOpts = string.IsNullOrEmpty(options.Username) ? NatsAuthOpts.Default : NatsAuthOpts.Default with { Username = options.Username, Password = options.Password },
            TlsOpts = string.IsNullOrWhiteSpace(options.TrustedCaPath) ? NatsTlsOpts.Default : NatsTlsOpts.Default with { CaFile = options.TrustedCaPath },
            LoggerFactory = sp.GetRequiredService<ILoggerFactory>(),
        }));
        services.AddSingleton<IUpstream>(sp => new JetStreamUpstream(sp.GetRequiredService<INatsConnection>(), forwarder.GatewayId, options, sp.GetRequiredService<ILogger<JetStreamUpstream>>()));
        services.AddSingleton(sp => new JetStreamDownlinkConsumer(sp.GetRequiredService<INatsConnection>(), forwarder.GatewayId, sp.GetRequiredService<PlatformFeedHandler>(),
            sp.GetRequiredService<GatewayMetrics>(), sp.GetRequiredService<ILogger<JetStreamDownlinkConsumer>>(), sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService(sp => sp.GetRequiredService<JetStreamDownlinkConsumer>());
    }
}
