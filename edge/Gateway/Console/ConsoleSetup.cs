using System.Security.Claims;
using Eldercare.Edge.Gateway.Broker.Sessions;
using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Forwarding;
using Eldercare.Edge.Gateway.Health;
using Eldercare.Edge.Gateway.Hosting;
using Eldercare.Edge.Gateway.Metrics;
using Eldercare.Edge.Gateway.Store;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Eldercare.Edge.Gateway.Console;

/// <summary>
/// The console feature's wiring, called by the composition root: <see cref="Bind"/> its options,
/// <see cref="AddConsole"/> its services, <see cref="UseConsole"/> its middleware and endpoints. Off unless
/// <c>Gateway:Console:Enabled</c>; then console.db is opened at start (a bad file fails the start, not the first alarm).
/// </summary>
public static class ConsoleSetup
{
    public const string SupervisorPolicy = "console-supervisor";
    public const string AdminPolicy = "console-admin";
    public const string LoginPolicy = "console-login";

    /// <summary>Gateway:Console, bound and validated (every problem listed at once).</summary>
    public static ConsoleOptions Bind(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ConsoleOptions options;
        try
        {
            options = configuration.GetSection("Gateway:Console").Get<ConsoleOptions>() ?? new ConsoleOptions();
        }
        catch (InvalidOperationException exception)
        {
            throw new GatewayConfigurationException([exception.Message]);
        }

        var problems = options.Validate().ToList();
        return problems.Count > 0 ? throw new GatewayConfigurationException(problems) : options;
    }

    /// <summary>The URL Kestrel listens on for the console (its own port), or null when it is off.</summary>
    public static string? Url(ConsoleOptions options) =>
        options is { Enabled: true } ? $"http://{(options.BindAddress.Contains(':', StringComparison.Ordinal) ? $"[{options.BindAddress}]" : options.BindAddress)}:{options.Port}" : null;

    public static void AddConsole(IServiceCollection services, ConsoleOptions options, GatewayOptions gateway)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(gateway);
        services.AddSingleton(options);
        if (!options.Enabled)
        {
            return;
        }

        var dataDirectory = gateway.Store.DataDirectory;
        services.AddSingleton(sp => ConsoleDatabase.Open(dataDirectory, sp.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeMilliseconds()));
        services.AddSingleton(_ => CardHasher.Open(dataDirectory));
        services.AddSingleton<DeskChanges>();
        // alarm_taken ids: the gateway's id with a boot epoch of health.db's counter reserved for this run of the console.
        services.AddSingleton(sp => new DeskUpstream(gateway.Forwarder.GatewayId, sp.GetRequiredService<HealthStateStore>().ReserveBootEpoch()));
        services.AddSingleton(sp => new AlarmBook(sp.GetRequiredService<ConsoleDatabase>(), options, sp.GetRequiredService<CardHasher>(), sp.GetRequiredService<DeskChanges>(), sp.GetRequiredService<DeskUpstream>()));
        services.AddSingleton<IAcknowledgementObserver>(sp => new DeskPlatformAcknowledgements(sp.GetRequiredService<AlarmBook>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<DeskPlatformAcknowledgements>>()));
        services.AddSingleton(sp => new DeskView(sp.GetRequiredService<ConsoleDatabase>()));
        services.AddSingleton(sp => new ConsoleUsers(sp.GetRequiredService<ConsoleDatabase>(), options));
        services.AddSingleton(sp => new ElderRecords(sp.GetRequiredService<ConsoleDatabase>(), sp.GetRequiredService<CardHasher>(), sp.GetRequiredService<DeskChanges>()));
        // The store opens first (it creates events.db and its indexes); the desk only reads it.
        services.AddSingleton(sp =>
        {
            _ = sp.GetRequiredService<SqliteEventStore>();
            return new StoreFeedReader(gateway.Store);
        });
        services.AddSingleton(sp => new PlatformLink(sp.GetRequiredService<GatewayMetrics>()));
        services.AddSingleton(sp => new DeskAcknowledger(
            sp.GetRequiredService<IDownlinks>(),
            gateway.Forwarder.GatewayId,
            sp.GetRequiredService<ConsoleDatabase>()));
        services.AddSingleton(sp => new DeskFeed(sp.GetRequiredService<StoreFeedReader>(), sp.GetRequiredService<AlarmBook>(), sp.GetRequiredService<PlatformLink>(),
            sp.GetRequiredService<ConsoleDatabase>(), sp.GetRequiredService<LaneSet>(), options, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<DeskFeed>>(),
            sp.GetRequiredService<IEventAppender>()));
        services.AddHostedService(sp => sp.GetRequiredService<DeskFeed>());
        services.AddSingleton(sp => new DeskSnapshots(sp.GetRequiredService<DeskView>(), sp.GetRequiredService<DeskFeed>(), sp.GetRequiredService<DeskChanges>(), sp.GetRequiredService<TimeProvider>()));

        // The keys that protect the session and antiforgery cookies, beside console.db (sessions survive a restart, and two
        // gateways on one machine never share keys); not encrypted at rest on Linux, so the folder is the owner's only.
        var keys = Directory.CreateDirectory(Path.Combine(dataDirectory, "console-keys"));
        if (!OperatingSystem.IsWindows())
        {
            keys.UnixFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        }

        services.AddDataProtection().PersistKeysToFileSystem(keys).SetApplicationName("eldercare-console");
        services.AddLogging(logging => logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error));
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(cookie =>
        {
            cookie.Cookie.Name = "desk";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            // Secure whenever the request came over TLS (a reverse proxy in front of the LAN port, or Kestrel's HTTPS).
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = TimeSpan.FromMinutes(options.SessionMinutes);
            cookie.SlidingExpiration = true;
            cookie.LoginPath = "/login";
            cookie.Events.OnRedirectToLogin = context => Deny(context, StatusCodes.Status401Unauthorized);
            // A session ends when its user is locked, gets a new password or role (a new stamp): checked at every request.
            cookie.Events.OnValidatePrincipal = async context =>
            {
                var principal = context.Principal;
                var users = context.HttpContext.RequestServices.GetRequiredService<ConsoleUsers>();
                var now = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeMilliseconds();
                if (principal?.Identity?.Name is not { } name || principal.FindFirstValue(ClaimTypes.Role) is not { } role
                    || principal.FindFirstValue(StampClaim) is not { } stamp || !users.IsCurrent(name, role, stamp, now))
                {
                    context.RejectPrincipal();
                    await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
                }
            };
            // Signed in but not allowed (an operator on the admin page): a plain 403, not the login form again.
            cookie.Events.OnRedirectToAccessDenied = context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(SupervisorPolicy, p => p.RequireRole(ConsoleUsers.Supervisor, ConsoleUsers.Admin))
            .AddPolicy(AdminPolicy, p => p.RequireRole(ConsoleUsers.Admin));
        // Login attempts per source address (ASP.NET Core's rate limiter): the per-account lock-out stops guessing one
        // password, this stops one address trying many accounts (and locking them all).
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(LoginPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "-",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = options.LoginAttemptsPerMinutePerAddress, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "desk-csrf";
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.HttpOnly = true;
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
    }

    /// <summary>Opens the console's files before any listener (a bad console.db fails the start).</summary>
    public static void Open(IServiceProvider services)
    {
        if (services.GetRequiredService<ConsoleOptions>().Enabled)
        {
            _ = services.GetRequiredService<AlarmBook>();
            _ = services.GetRequiredService<StoreFeedReader>();
        }
    }

    public static void UseConsole(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<ConsoleOptions>();
        if (!options.Enabled)
        {
            return;
        }

        app.UseRouting();
        // The console answers on its own port only, and only the console answers there: /health and /metrics stay on
        // Gateway:Http, and the elders' data is never reachable on a port bound wider than the console's.
        app.Use((context, next) =>
        {
            var isConsole = context.GetEndpoint()?.Metadata.GetMetadata<ConsoleEndpoint>() is not null;
            var onConsolePort = context.Connection.LocalPort == options.Port;
            if (isConsole != onConsolePort)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            if (isConsole)
            {
                // Only the desk's own script, style and stream; never framed (clickjacking a "take"); no referrer with an id.
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers.CacheControl = "no-store";
            }

            return next(context);
        });
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        var desk = app.MapGroup(string.Empty).WithMetadata(new ConsoleEndpoint());
        ConsoleEndpoints.Map(desk, options);
        ConsoleAdminEndpoints.Map(desk);
    }

    public const string StampClaim = "console-stamp";

    public static ClaimsPrincipal Principal(string name, string role, string stamp) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role), new Claim(StampClaim, stamp)], CookieAuthenticationDefaults.AuthenticationScheme));

    private static Task Deny(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        // A page asked for goes to the login form; the stream and the actions get a status (a script cannot follow a redirect usefully).
        if (context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal) || !HttpMethods.IsGet(context.Request.Method))
        {
            context.Response.StatusCode = status;
        }
        else
        {
            context.Response.Redirect(context.RedirectUri);
        }

        return Task.CompletedTask;
    }

    /// <summary>Marks the console's endpoints (served on the console's port only).</summary>
    private sealed class ConsoleEndpoint;
}
