using Eldercare.Firmware.Tools.FallEval;

namespace Eldercare.Firmware.Tools.HilRunner;

/// <summary>The runner end to end, as the CLI and the tests call it: 0 done, 1 the device or the link failed, 2 bad arguments or data.</summary>
public static class HilCommandLine
{
    public static async Task<int> RunAsync(HilOptions options, TextWriter output, TextWriter error, CancellationToken cancel) =>
        (await RunWithReportAsync(options, output, error, cancel).ConfigureAwait(false)).ExitCode;

    /// <summary>As <see cref="RunAsync"/>, with the report when the run completed (exit code 0).</summary>
    public static async Task<(int ExitCode, HilReport? Report)> RunWithReportAsync(HilOptions options, TextWriter output, TextWriter error, CancellationToken cancel)
    {
        IReadOnlyList<string> problems = options.Validate();
        if (problems.Count > 0)
        {
            foreach (string problem in problems)
            {
                await error.WriteLineAsync("error: " + problem).ConfigureAwait(false);
            }

            return (2, null);
        }

        IReadOnlyList<TrialWindow> trials;
        IReadOnlyList<string> sentences;
        try
        {
            trials = options.TrialsDirectory is null ? [] : TrialWindows.Select(options.TrialsDirectory, options.Subject, options.Falls, options.Activities, options.WindowSeconds);
            sentences = options.GnssLogPath is null ? [] : NmeaSentences.Load(options.GnssLogPath, options.GnssSentences);
        }
        catch (DataFormatException ex)
        {
            await error.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
            return (2, null);
        }

        await output.WriteLineAsync($"hil: {trials.Count} trials, {sentences.Count} GNSS sentences, {options.SosPresses} SOS presses on {options.PortName} ({options.BaudRate} baud), device {options.DeviceId}").ConfigureAwait(false);
        using var link = new SerialLink(options.PortName, options.BaudRate);
        try
        {
            link.Open();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            await error.WriteLineAsync($"error: cannot open serial port '{options.PortName}': {ex.Message}").ConfigureAwait(false);
            return (1, null);
        }

        using ISosPresser presser = options.SosGpioPin is int pin ? new GpioSosPresser(pin) : new SerialSosPresser(link);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            HilReport report = await new HilRun(options, link, presser, new CloudEvents(http, options.CloudUrl), output).RunAsync(trials, sentences, cancel).ConfigureAwait(false);
            await output.WriteLineAsync("device: " + report.DeviceStatus).ConfigureAwait(false);
            foreach (string deviceError in report.DeviceErrors.Take(10))
            {
                await output.WriteLineAsync("device said: " + deviceError).ConfigureAwait(false);
            }

            await output.WriteLineAsync(report.Summary()).ConfigureAwait(false);
            return (0, report);
        }
        catch (Exception ex) when (ex is HilException or HttpRequestException or IOException or TimeoutException)
        {
            await error.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
            return (1, null);
        }
    }
}
