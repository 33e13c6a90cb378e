using System.Text.Json;
using System.Text.Json.Nodes;

namespace Eldercare.Edge.Gateway.ModuleTwin;

/// <summary>
/// The gateway's reported properties, under <c>gateway</c>: what it runs with and what it refused. Twin rules shape it
/// (IoT Hub "Module twins": no arrays, keys without <c>.</c>, <c>$</c> or spaces, null removes a key): problems are an
/// object keyed 1..n, settings keyed by their configuration key (<c>Gateway:Forwarder:CloudUrl</c>). Never a secret: the
/// settings come from <see cref="TwinSettings"/>, which refuses them.
/// </summary>
public static class TwinReport
{
    /// <summary>The desired version is what the gateway runs with.</summary>
    public const string Applied = "applied";

    /// <summary>The desired version was refused (problems say why); the gateway runs with <c>appliedVersion</c>.</summary>
    public const string Rejected = "rejected";

    /// <summary>A valid new desired version: the module stops and IoT Edge starts it again with it.</summary>
    public const string Restarting = "restarting";

    /// <param name="status"><see cref="Applied"/>, <see cref="Rejected"/> or <see cref="Restarting"/>.</param>
    /// <param name="desiredVersion">The desired properties' <c>$version</c> this report answers.</param>
    /// <param name="applied">What runs now (null: the image's and the environment's configuration only).</param>
    /// <param name="problems">Why the desired version was refused; empty clears earlier problems.</param>
    /// <param name="runtime">Facts of the running gateway (mode, ports, version), or null to leave them as reported.</param>
    public static string Build(string status, long? desiredVersion, TwinDesired? applied, IReadOnlyList<string> problems, IReadOnlyDictionary<string, string>? runtime)
    {
        var gateway = new JsonObject
        {
            ["status"] = status,
            ["desiredVersion"] = desiredVersion,
            ["appliedVersion"] = applied?.Version,
        };
        if (applied is not null)
        {
            // A patch merges objects: a setting no longer applied is reported null (removed), not left as it was.
            var settings = new JsonObject();
            foreach (var key in TwinSettings.AllowedKeys)
            {
                settings[key] = applied.Settings.TryGetValue(key, out var value) ? value : null;
            }

            gateway["settings"] = settings;
        }

        if (problems.Count == 0)
        {
            gateway["problems"] = null;
        }
        else
        {
            var listed = new JsonObject();
            for (var i = 0; i < problems.Count; i++)
            {
                listed[(i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)] = problems[i];
            }

            gateway["problems"] = listed;
        }

        if (runtime is not null)
        {
            foreach (var (key, value) in runtime)
            {
                gateway[key] = value;
            }
        }

        return new JsonObject { [TwinSettings.Section] = gateway }.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }
}
