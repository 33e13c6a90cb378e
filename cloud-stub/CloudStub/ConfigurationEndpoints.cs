using System.Text.Json;
using System.Text.Json.Serialization;
using Eldercare.Firmware.Core.Commands;
using Eldercare.Firmware.Core.Events;

namespace Eldercare.CloudStub;

/// <summary>
/// Configuration downlinks (cloud-stub/README.md "Configuration"): the platform sets a device's settings; the gateway
/// that forwards the device's events reads them from its downlink feed (the acknowledgements' long poll) and queues
/// them for the device, which checks, keeps and applies them and answers with a <c>config_applied</c> or
/// <c>config_rejected</c> event. The command is built and checked with the firmware core's codec, so what the stub
/// accepts is what a device can decode.
/// </summary>
public static class ConfigurationEndpoints
{
    private static readonly JsonSerializerOptions Strict = new()
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    public static void Map(WebApplication app)
    {
        app.MapPost("/api/v1/devices/{dev}/config", ConfigureAsync);
        app.MapGet("/api/v1/devices/{dev}/config", (string dev, AcknowledgementLedger ledger) =>
            EventCodec.IsValidDeviceId(dev)
                ? Results.Json(new { dev, queued = ledger.Configurations(dev) })
                : Results.BadRequest(new { error = "bad_device", detail = "a device id is 1-32 of a-z, 0-9, '-'" }));
    }

    private static async Task<IResult> ConfigureAsync(string dev, HttpRequest http, AcknowledgementLedger ledger, StubCounters counters, TimeProvider time, AlarmPrinter printer)
    {
        if (!EventCodec.IsValidDeviceId(dev))
        {
            return Refuse(counters, 400, "bad_device", "a device id is 1-32 of a-z, 0-9, '-'");
        }

        ConfigRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync<ConfigRequest>(http.Body, Strict, http.HttpContext.RequestAborted);
        }
        catch (JsonException exception)
        {
            return Refuse(counters, 400, "bad_request", "body must be {\"ver\":N, and any of hb, cancel, remind, wake, idle, zones, lowbat, session, by}: " + exception.Message);
        }

        if (request?.Ver is not { } version)
        {
            return Refuse(counters, 400, "bad_request", "ver is required (1 and up; the device applies only a version newer than the one it runs)");
        }

        if (new[] { request.Hb, request.Cancel, request.Remind, request.Idle, request.Lowbat, request.Session }.Any(v => v < 0))
        {
            return Refuse(counters, 400, "bad_field", "settings are whole numbers of 0 and up");
        }

        var config = new DeviceConfig(version)
        {
            HeartbeatSeconds = request.Hb ?? DeviceConfig.Absent,
            CancelSeconds = request.Cancel ?? DeviceConfig.Absent,
            ReminderSeconds = request.Remind ?? DeviceConfig.Absent,
            WakingHours = request.Wake,
            InactivityMinutes = request.Idle ?? DeviceConfig.Absent,
            Zones = request.Zones,
            LowBatteryPercent = request.Lowbat ?? DeviceConfig.Absent,
            SessionSeconds = request.Session ?? DeviceConfig.Absent,
        };
        var text = CommandCodec.EncodeConfigToString(config, time.GetUtcNow().ToUnixTimeMilliseconds(), request.By);
        if (text is null)
        {
            return Refuse(counters, 400, "bad_field", "ver must be 1 and up, wake HH:MM-HH:MM, zones only 0-9 . , ; - c p (docs/wire-format.md \"Configuration\"), by a role of 1-32 a-z 0-9 -");
        }

        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        var decoded = CommandCodec.Decode(bytes, bytes.Length);
        if (!decoded.IsValid)
        {
            return Refuse(counters, 400, decoded.Reason, decoded.Detail);
        }

        var (outcome, item) = await ledger.ConfigureAsync(dev, version, text, request.By, () => time.GetUtcNow().ToUnixTimeMilliseconds());
        switch (outcome)
        {
            case ConfigureOutcome.UnknownDevice:
                return Refuse(counters, 404, "unknown_device", "no event from this device was stored: which gateway serves it is not known yet");
            case ConfigureOutcome.VersionConflict:
                return Refuse(counters, 409, "version_conflict", $"version {version} was already sent with other settings; send a new version");
            case ConfigureOutcome.AlreadyQueued:
                return Results.Json(new { config = item, duplicate = true });
            default:
                printer.PrintConfiguration(item!);
                return Results.Json(new { config = item, duplicate = false }, statusCode: 201);
        }
    }

    private static IResult Refuse(StubCounters counters, int status, string error, string detail)
    {
        counters.CountRefused("config_" + error);
        return Results.Json(new { error, detail }, statusCode: status);
    }

    /// <summary>The body of a configuration: the version and the settings to change (docs/wire-format.md "Configuration").</summary>
    public sealed record ConfigRequest(int? Ver, int? Hb, int? Cancel, int? Remind, string? Wake, int? Idle, string? Zones, int? Lowbat, int? Session, string? By);
}
