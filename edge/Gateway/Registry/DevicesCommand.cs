namespace Eldercare.Edge.Gateway.Registry;

/// <summary>
/// <c>devices add --id ID --secret SECRET [--registry PATH] [--kind pendant] [--disabled] [--iterations N]</c>:
/// hashes the secret and writes the entry into the registry file. Small enough not to need a CLI library.
/// </summary>
public static class DevicesCommand
{
    public const string DefaultRegistryPath = "./data/devices.json";

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length < 2 || args[1] != "add")
        {
            error.WriteLine("usage: devices add --id ID --secret SECRET [--registry PATH] [--kind KIND] [--disabled] [--iterations N]");
            return 2;
        }

        string? id = null, secret = null, kind = "pendant";
        var path = DefaultRegistryPath;
        var enabled = true;
        var iterations = SecretHasher.DefaultIterations;
        for (var i = 2; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            try
            {
                switch (args[i])
                {
                    case "--id": id = Next(); break;
                    case "--secret": secret = Next(); break;
                    case "--registry": path = Next(); break;
                    case "--kind": kind = Next(); break;
                    case "--disabled": enabled = false; break;
                    case "--iterations": iterations = int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture); break;
                    default: error.WriteLine($"unknown option {args[i]}"); return 2;
                }
            }
            catch (Exception exception) when (exception is ArgumentException or FormatException or OverflowException)
            {
                error.WriteLine(exception.Message);
                return 2;
            }
        }

        if (!Eldercare.Firmware.Core.Events.EventCodec.IsValidDeviceId(id))
        {
            error.WriteLine("--id must be 1-32 of a-z, 0-9, '-', not starting with '-'");
            return 2;
        }

        if (string.IsNullOrEmpty(secret) || iterations < 1)
        {
            error.WriteLine("--secret is required (and --iterations must be >= 1)");
            return 2;
        }

        DeviceRegistryFile.Upsert(path, [SecretHasher.CreateRecord(id!, secret, kind, enabled, iterations)]);
        output.WriteLine($"device {id} written to {path} (enabled={enabled.ToString().ToLowerInvariant()})");
        return 0;
    }
}
