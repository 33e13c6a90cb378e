using System.Globalization;
using System.Text.Json;

namespace Eldercare.Edge.Gateway.ModuleTwin;

/// <summary>
/// The module twin's desired properties as gateway settings: <c>{"gateway": {"forwarder": {"cloudUrl": "https://..."}}}</c>
/// becomes <c>--Gateway:Forwarder:CloudUrl=https://...</c>, which then goes through the same binding and validation as
/// appsettings.json, the environment and the command line (so a bad value is refused with the same message). Only the
/// settings in <see cref="Allowed"/> may come from the twin: a secret never (desired properties are stored in IoT Hub and
/// shown to every reader of the twin, and the gateway reports what it applied), nor what the container fixes (ports,
/// paths: the deployment manifest's createOptions bind them). Everything else is refused by name, with the reason.
/// </summary>
public static class TwinSettings
{
    /// <summary>The section of the desired properties that holds the gateway's settings.</summary>
    public const string Section = "gateway";

    private enum Kind
    {
        Integer,
        Text,
        Flag,
    }

    // Twin path (section.key, as camelCase JSON writes them; matched without regard to case) -> configuration key.
    private static readonly Dictionary<string, (string Key, Kind Kind)> Allowed = new(StringComparer.OrdinalIgnoreCase)
    {
        ["forwarder.cloudUrl"] = ("Gateway:Forwarder:CloudUrl", Kind.Text),
        ["forwarder.gatewayId"] = ("Gateway:Forwarder:GatewayId", Kind.Text),
        ["forwarder.batchSize"] = ("Gateway:Forwarder:BatchSize", Kind.Integer),
        ["forwarder.maxBackoffMilliseconds"] = ("Gateway:Forwarder:MaxBackoffMilliseconds", Kind.Integer),
        ["forwarder.requestTimeoutMilliseconds"] = ("Gateway:Forwarder:RequestTimeoutMilliseconds", Kind.Integer),
        ["forwarder.alarmStreams"] = ("Gateway:Forwarder:AlarmStreams", Kind.Integer),
        ["forwarder.serviceStreams"] = ("Gateway:Forwarder:ServiceStreams", Kind.Integer),
        ["forwarder.telemetryStreams"] = ("Gateway:Forwarder:TelemetryStreams", Kind.Integer),
        ["store.maxTelemetryBytes"] = ("Gateway:Store:MaxTelemetryBytes", Kind.Integer),
        ["store.forwardedRetentionSeconds"] = ("Gateway:Store:ForwardedRetentionSeconds", Kind.Integer),
        ["store.dedupWindowSeconds"] = ("Gateway:Store:DedupWindowSeconds", Kind.Integer),
        ["store.heartbeatCommitWindowMilliseconds"] = ("Gateway:Store:HeartbeatCommitWindowMilliseconds", Kind.Integer),
        ["store.maxWalMegabytes"] = ("Gateway:Store:MaxWalMegabytes", Kind.Integer),
        ["mqtt.maxQueuedDownlinksPerDevice"] = ("Gateway:Mqtt:MaxQueuedDownlinksPerDevice", Kind.Integer),
        ["mqtt.maxSessionExpirySeconds"] = ("Gateway:Mqtt:MaxSessionExpirySeconds", Kind.Integer),
        ["mqtt.connectFailuresPerAddress"] = ("Gateway:Mqtt:ConnectFailuresPerAddress", Kind.Integer),
        ["mqtt.connectFailuresPerDeviceFromAddress"] = ("Gateway:Mqtt:ConnectFailuresPerDeviceFromAddress", Kind.Integer),
        ["mqtt.connectWindowSeconds"] = ("Gateway:Mqtt:ConnectWindowSeconds", Kind.Integer),
        ["mqtt.failingAddressHashesPerSecond"] = ("Gateway:Mqtt:FailingAddressHashesPerSecond", Kind.Integer),
        ["ingest.maxClockSkewMilliseconds"] = ("Gateway:Ingest:MaxClockSkewMilliseconds", Kind.Integer),
        ["ingest.telemetryConcurrency"] = ("Gateway:Ingest:TelemetryConcurrency", Kind.Integer),
        ["deviceHealth.heartbeatIntervalSeconds"] = ("Gateway:DeviceHealth:HeartbeatIntervalSeconds", Kind.Integer),
        ["deviceHealth.missedHeartbeats"] = ("Gateway:DeviceHealth:MissedHeartbeats", Kind.Integer),
        ["deviceHealth.minReportedHeartbeatSeconds"] = ("Gateway:DeviceHealth:MinReportedHeartbeatSeconds", Kind.Integer),
        ["deviceHealth.maxReportedHeartbeatSeconds"] = ("Gateway:DeviceHealth:MaxReportedHeartbeatSeconds", Kind.Integer),
        ["deviceHealth.startupGraceSeconds"] = ("Gateway:DeviceHealth:StartupGraceSeconds", Kind.Integer),
        ["deviceHealth.lostConnectionGraceSeconds"] = ("Gateway:DeviceHealth:LostConnectionGraceSeconds", Kind.Integer),
        ["console.enabled"] = ("Gateway:Console:Enabled", Kind.Flag),
    };

    private static readonly HashSet<string> Secrets = new(StringComparer.OrdinalIgnoreCase)
    {
        "forwarder.apiKey", "mqtt.externalPassword", "mqtt.externalUsername", "mqtt.tlsCertificatePassword",
    };

    private static readonly HashSet<string> FixedByContainer = new(StringComparer.OrdinalIgnoreCase)
    {
        "mqtt.port", "mqtt.tlsPort", "mqtt.bindAddress", "mqtt.mode", "mqtt.tlsCertificatePath", "http.port", "http.bindAddress",
        "console.port", "console.bindAddress", "store.dataDirectory", "registry.path",
    };

    /// <summary>Every twin path the gateway takes, as the documentation lists them.</summary>
    public static IReadOnlyCollection<string> AllowedPaths => Allowed.Keys;

    /// <summary>The configuration keys those paths set.</summary>
    public static IEnumerable<string> AllowedKeys => Allowed.Values.Select(target => target.Key).Order(StringComparer.Ordinal);

    /// <summary>
    /// Reads the desired properties. Keys starting with <c>$</c> (<c>$version</c>, <c>$metadata</c>) are IoT Hub's;
    /// other sections than <see cref="Section"/> are left to whoever owns them; a null value is a removed setting.
    /// </summary>
    public static TwinDesired Read(string desiredJson)
    {
        ArgumentNullException.ThrowIfNull(desiredJson);
        var settings = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var problems = new List<string>();
        long? version = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(desiredJson);
        }
        catch (JsonException exception)
        {
            return new TwinDesired(null, settings, [$"desired properties are not JSON: {exception.Message}"]);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return new TwinDesired(null, settings, ["desired properties are not a JSON object"]);
            }

            if (document.RootElement.TryGetProperty("$version", out var versionElement) && versionElement.TryGetInt64(out var v))
            {
                version = v;
            }

            if (document.RootElement.TryGetProperty(Section, out var gateway))
            {
                if (gateway.ValueKind == JsonValueKind.Object)
                {
                    ReadSections(gateway, settings, problems);
                }
                else if (gateway.ValueKind != JsonValueKind.Null)
                {
                    problems.Add($"desired '{Section}' must be an object of sections (forwarder, store, ...), got {gateway.ValueKind}");
                }
            }
        }

        return new TwinDesired(version, settings, problems);
    }

    private static void ReadSections(JsonElement gateway, SortedDictionary<string, string> settings, List<string> problems)
    {
        foreach (var section in gateway.EnumerateObject())
        {
            if (section.Name.StartsWith('$'))
            {
                continue;
            }

            if (section.Value.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"desired '{Section}.{section.Name}' must be an object of settings, got {section.Value.ValueKind}");
                continue;
            }

            foreach (var setting in section.Value.EnumerateObject())
            {
                if (setting.Name.StartsWith('$') || setting.Value.ValueKind == JsonValueKind.Null)
                {
                    continue;
                }

                var path = section.Name + "." + setting.Name;
                var problem = Take(path, setting.Value, settings);
                if (problem is not null)
                {
                    problems.Add(problem);
                }
            }
        }
    }

    private static string? Take(string path, JsonElement value, SortedDictionary<string, string> settings)
    {
        var where = $"desired '{Section}.{path}'";
        if (Secrets.Contains(path))
        {
            return $"{where} is a secret: the twin is stored in IoT Hub and reported back, so set it in the module's environment (Gateway__{Pascal(path).Replace(":", "__", StringComparison.Ordinal)}), never in the twin";
        }

        if (FixedByContainer.Contains(path))
        {
            return $"{where} is fixed by the container (the deployment manifest's createOptions bind it): change the manifest, not the twin";
        }

        if (!Allowed.TryGetValue(path, out var target))
        {
            return $"{where} is not a setting the twin may change (allowed: {string.Join(", ", Allowed.Keys.Order(StringComparer.Ordinal))})";
        }

        switch (target.Kind)
        {
            case Kind.Integer when value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number):
                settings[target.Key] = number.ToString(CultureInfo.InvariantCulture);
                return null;
            case Kind.Integer:
                return $"{where} must be a whole number, got {Describe(value)}";
            case Kind.Text when value.ValueKind == JsonValueKind.String:
                settings[target.Key] = value.GetString()!;
                return null;
            case Kind.Text:
                return $"{where} must be a string, got {Describe(value)}";
            case Kind.Flag when value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                settings[target.Key] = value.GetBoolean() ? "true" : "false";
                return null;
            default:
                return $"{where} must be true or false, got {Describe(value)}";
        }
    }

    /// <summary>The kind and a short, escaped sample of a value (desired properties are operator input).</summary>
    private static string Describe(JsonElement value)
    {
        var raw = value.GetRawText();
        return $"{value.ValueKind.ToString().ToLowerInvariant()} {(raw.Length > 40 ? raw[..40] + "..." : raw)}";
    }

    private static string Pascal(string path) =>
        string.Join(':', path.Split('.').Select(part => part.Length == 0 ? part : char.ToUpperInvariant(part[0]) + part[1..]));
}
