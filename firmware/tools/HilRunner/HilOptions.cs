namespace Eldercare.Firmware.Tools.HilRunner;

/// <summary>One HIL run: the device's serial link, where to observe it, what to replay. Checked by <see cref="Validate"/>.</summary>
public sealed record HilOptions(string PortName, string DeviceId, Uri CloudUrl)
{
    public int BaudRate { get; init; } = 115200;

    /// <summary>A data set folder with trials.csv (../shared/datasets/falls, or umafall/&lt;placement&gt;); null: no trials.</summary>
    public string? TrialsDirectory { get; init; }

    /// <summary>Only this subject's trials (e.g. SA01); null: every subject.</summary>
    public string? Subject { get; init; }

    public int Falls { get; init; } = 2;

    public int Activities { get; init; } = 2;

    /// <summary>Replay this many seconds of each trial around its peak (40% before, 60% after); 0: the whole trial.</summary>
    public int WindowSeconds { get; init; }

    /// <summary>How long after a trial's last sample a fall event may still arrive at the cloud.</summary>
    public int SettleMilliseconds { get; init; } = 5_000;

    public int SosPresses { get; init; } = 3;

    /// <summary>The rig's GPIO line wired to the SOS button (driven low to press); null: press by serial command.</summary>
    public int? SosGpioPin { get; init; }

    /// <summary>A recorded NMEA log to replay (../shared/datasets/gnss); null: none.</summary>
    public string? GnssLogPath { get; init; }

    public int GnssSentences { get; init; } = 50;

    public int TimeoutSeconds { get; init; } = 30;

    /// <summary>Every problem at once, or an empty list.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(PortName))
        {
            problems.Add("--port is empty");
        }

        if (!Eldercare.Firmware.Core.Events.EventCodec.IsValidDeviceId(DeviceId))
        {
            problems.Add($"--device '{DeviceId}' is not a valid device id");
        }

        if (CloudUrl.Scheme != Uri.UriSchemeHttp && CloudUrl.Scheme != Uri.UriSchemeHttps)
        {
            problems.Add($"--cloud '{CloudUrl}' is not an http(s) URL");
        }

        if (BaudRate is < 1200 or > 3_000_000)
        {
            problems.Add("--baud must be 1200..3000000");
        }

        if (TrialsDirectory is not null && !Directory.Exists(TrialsDirectory))
        {
            problems.Add($"--trials '{TrialsDirectory}' is not a folder");
        }

        if (Falls is < 0 or > 10_000 || Activities is < 0 or > 10_000)
        {
            problems.Add("--falls and --adls must be 0..10000");
        }

        if (WindowSeconds is < 0 or > 600 || (WindowSeconds is > 0 and < 4))
        {
            problems.Add("--window-seconds must be 0 (whole trial) or 4..600");
        }

        if (SosPresses is < 0 or > 1000)
        {
            problems.Add("--sos-presses must be 0..1000");
        }

        if (GnssLogPath is not null && !File.Exists(GnssLogPath))
        {
            problems.Add($"--gnss '{GnssLogPath}' does not exist");
        }

        if (GnssSentences is < 1 or > 100_000)
        {
            problems.Add("--gnss-sentences must be 1..100000");
        }

        if (SettleMilliseconds is < 0 or > 60_000)
        {
            problems.Add("--settle-ms must be 0..60000");
        }

        if (SosGpioPin is < 0 or > 64)
        {
            problems.Add("--sos-gpio must be a GPIO number 0..64");
        }

        if (TimeoutSeconds is < 1 or > 600)
        {
            problems.Add("--timeout-seconds must be 1..600");
        }

        return problems;
    }
}
