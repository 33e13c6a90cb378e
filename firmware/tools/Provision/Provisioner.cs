using System.Collections;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Eldercare.Edge.Gateway.Registry;
using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Geofence;
using Eldercare.Firmware.Devices;

namespace Eldercare.Firmware.Tools.Provision;

/// <summary>
/// Provisions one device: checks the request (every problem at once), makes a secret, writes
/// <c>&lt;out&gt;/&lt;id&gt;/device.txt</c> (+ ca.pem) after reading it back with the device's own parser, and registers the
/// id and the secret's hash with the gateway's registry through its owner (<see cref="DeviceRegistryFile"/>,
/// <see cref="SecretHasher"/>). Exit codes: 0 done, 2 bad request, 3 registry missing or unreadable, 4 id already
/// registered or already provisioned here, 5 files could not be written.
/// </summary>
public sealed class Provisioner(TextWriter progress, TextWriter error)
{
    public const int BadRequest = 2;
    public const int RegistryUnavailable = 3;
    public const int Duplicate = 4;
    public const int WriteFailed = 5;

    private static readonly string[] Kinds = ["pendant", "watch", "kiosk"];

    public int Run(ProvisionRequest request)
    {
        progress.WriteLine($"[1/5] checking the request for {request.DeviceId}...");
        List<string> problems = Check(request);
        if (problems.Count > 0)
        {
            foreach (string problem in problems)
            {
                error.WriteLine("error: " + problem);
            }

            return BadRequest;
        }

        progress.WriteLine($"[2/5] reading the gateway's registry {request.RegistryPath}...");
        int registryCheck = CheckRegistry(request);
        if (registryCheck != 0)
        {
            return registryCheck;
        }

        string deviceDirectory = Path.Combine(request.OutputDirectory, request.DeviceId);
        string deviceFile = Path.Combine(deviceDirectory, DeviceSettings.FileName);
        if (File.Exists(deviceFile))
        {
            error.WriteLine($"error: {deviceFile} already exists: {request.DeviceId} was provisioned on this PC before (delete the folder to start again)");
            return Duplicate;
        }

        progress.WriteLine("[3/5] making the device secret and its boot file...");
        string secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        byte[] content = Encoding.UTF8.GetBytes(Compose(request, secret));
        string? readBack = ReadBack(content, request, secret);
        if (readBack is not null)
        {
            error.WriteLine($"error: the device would not read the file as written: {readBack}");
            return BadRequest;
        }

        progress.WriteLine($"[4/5] writing {deviceFile}{(request.CaCertificatePath is null ? "" : " and ca.pem")}...");
        try
        {
            Directory.CreateDirectory(deviceDirectory);
            File.WriteAllBytes(deviceFile, content);
            if (request.CaCertificatePath is not null)
            {
                File.Copy(request.CaCertificatePath, Path.Combine(deviceDirectory, "ca.pem"), overwrite: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: cannot write {deviceDirectory}: {ex.Message}");
            return WriteFailed;
        }

        progress.WriteLine($"[5/5] registering {request.DeviceId} ({request.Kind}) with the gateway's registry...");
        try
        {
            DeviceRegistryFile.Upsert(request.RegistryPath, [SecretHasher.CreateRecord(request.DeviceId, secret, request.Kind, enabled: true, request.Iterations)]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            error.WriteLine($"error: cannot write the registry {request.RegistryPath}: {ex.Message}");
            Directory.Delete(deviceDirectory, recursive: true);
            return RegistryUnavailable;
        }

        progress.WriteLine($"provisioned {request.DeviceId}: {deviceFile} (holds the secret: keep it out of git; flash.sh deploys it to I:\\{DeviceSettings.FileName})");
        return 0;
    }

    /// <summary>The boot file, in the format <see cref="DeviceSettings"/> reads: one key=value per line.</summary>
    public static string Compose(ProvisionRequest request, string secret)
    {
        var text = new StringBuilder();
        text.Append("# ").Append(request.DeviceId).Append(": written by firmware/tools/Provision. Holds the device secret and the Wi-Fi password: never commit it.\n");
        text.Append("id=").Append(request.DeviceId).Append('\n');
        text.Append("secret=").Append(secret).Append('\n');
        text.Append("ssid=").Append(request.Ssid).Append('\n');
        text.Append("psk=").Append(request.WifiPassword).Append('\n');
        text.Append("host=").Append(request.GatewayHost).Append('\n');
        text.Append("port=").Append(request.GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
        text.Append("tls=").Append(request.CaCertificatePath is null ? "0" : "1").Append('\n');
        if (request.CaCertificatePath is not null)
        {
            text.Append("ca=ca.pem\n");
        }

        if (request.Placement is not null)
        {
            text.Append("placement=").Append(request.Placement).Append('\n');
        }

        if (request.Zones is not null)
        {
            text.Append("zones=").Append(request.Zones).Append('\n');
        }

        return text.ToString();
    }

    private static string? ReadBack(byte[] content, ProvisionRequest request, string secret)
    {
        DeviceSettings settings = DeviceSettings.Parse(content, out string problem);
        if (settings is null)
        {
            return problem;
        }

        if (settings.DeviceId != request.DeviceId || settings.Secret != secret || settings.Ssid != request.Ssid
            || (settings.WifiPassword ?? "") != request.WifiPassword || settings.GatewayHost != request.GatewayHost
            || settings.GatewayPort != request.GatewayPort || settings.UseTls != (request.CaCertificatePath is not null)
            || settings.Placement != request.Placement || settings.Zones != request.Zones)
        {
            return "a value changed on the way (leading or trailing spaces?)";
        }

        return null;
    }

    private static List<string> Check(ProvisionRequest request)
    {
        var problems = new List<string>();
        if (!EventCodec.IsValidDeviceId(request.DeviceId))
        {
            problems.Add($"--id '{request.DeviceId}' must be 1-32 of a-z, 0-9, '-', not starting with '-'");
        }

        if (!Kinds.Contains(request.Kind))
        {
            problems.Add($"--kind '{request.Kind}' must be pendant, watch or kiosk");
        }

        if (request.Ssid.Length is 0 or > 32)
        {
            problems.Add("--ssid must be 1-32 characters");
        }

        if (request.WifiPassword.Length is > 0 and (< 8 or > 63))
        {
            problems.Add("--psk must be 8-63 characters (WPA2), or empty for an open network");
        }

        if (request.GatewayHost.Length == 0 || request.GatewayHost.Any(char.IsWhiteSpace) || Uri.CheckHostName(request.GatewayHost) == UriHostNameType.Unknown)
        {
            problems.Add($"--host '{request.GatewayHost}' is not a host name or address");
        }

        if (request.GatewayPort is < 1 or > 65535)
        {
            problems.Add("--port must be 1..65535");
        }

        foreach ((string name, string? value) in new[] { ("--ssid", (string?)request.Ssid), ("--psk", request.WifiPassword), ("--zones", request.Zones) })
        {
            if (value is not null && (value.Any(c => c == '\n' || c == '\r' || c == '\0') || value != value.Trim()))
            {
                problems.Add($"{name} must not hold a line break, a NUL, or leading/trailing spaces (the device's file is one key=value per line)");
            }
        }

        string? expectedPlacement = request.Kind switch { "pendant" => "neck", "watch" => "wrist", _ => null };
        if (request.Placement != expectedPlacement && request.Kind != "pendant")
        {
            problems.Add($"--placement '{request.Placement}' does not fit a {request.Kind} ({expectedPlacement ?? "none"})");
        }
        else if (request.Kind == "pendant" && request.Placement is not "neck" and not "wrist")
        {
            problems.Add($"--placement '{request.Placement}' must be neck or wrist");
        }

        if (request.Zones is not null)
        {
            string? zoneProblem = ZoneText.Parse(request.Zones, new ArrayList());
            if (zoneProblem is not null)
            {
                problems.Add("--zones " + zoneProblem);
            }
        }

        if (request.CaCertificatePath is not null)
        {
            if (!File.Exists(request.CaCertificatePath))
            {
                problems.Add($"--ca '{request.CaCertificatePath}' does not exist");
            }
            else if (!File.ReadAllText(request.CaCertificatePath).Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
            {
                problems.Add($"--ca '{request.CaCertificatePath}' is not a PEM certificate (no BEGIN CERTIFICATE)");
            }
        }

        if (request.Iterations < 1)
        {
            problems.Add("--iterations must be >= 1");
        }

        return problems;
    }

    private int CheckRegistry(ProvisionRequest request)
    {
        if (!File.Exists(request.RegistryPath))
        {
            string? directory = Path.GetDirectoryName(Path.GetFullPath(request.RegistryPath));
            if (!request.CreateRegistry)
            {
                error.WriteLine($"error: the gateway's registry {request.RegistryPath} does not exist (wrong path, or the gateway's data folder is not mounted; --create-registry starts a new one)");
                return RegistryUnavailable;
            }

            if (directory is null || !Directory.Exists(directory))
            {
                error.WriteLine($"error: cannot create the registry: folder {directory} does not exist");
                return RegistryUnavailable;
            }

            return 0;
        }

        IReadOnlyList<DeviceRecord> records;
        try
        {
            records = DeviceRegistryFile.Load(request.RegistryPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            error.WriteLine($"error: cannot read the gateway's registry {request.RegistryPath}: {ex.Message}");
            return RegistryUnavailable;
        }

        if (records.Any(r => string.Equals(r.Id, request.DeviceId, StringComparison.Ordinal)))
        {
            error.WriteLine($"error: {request.DeviceId} is already registered at the gateway: pick another id (a device is never given a second identity silently)");
            return Duplicate;
        }

        return 0;
    }
}
