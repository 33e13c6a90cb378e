using System.Diagnostics;
using System.Globalization;

namespace Eldercare.Firmware.Tools.HilRunner;

/// <summary>
/// One HIL run against a device on a serial link: test mode on, trials replayed in real time (the device samples its
/// accelerometer at 50 Hz and reads the link's queue instead), GNSS sentences, SOS presses; the outcome read at the cloud
/// stub. Progress goes to <paramref name="log"/>.
/// </summary>
public sealed class HilRun(HilOptions options, SerialLink link, ISosPresser presser, CloudEvents cloud, TextWriter log)
{
    /// <summary>Samples sent ahead of the device's 50 Hz clock: 0.5 s against scheduling jitter, well within its 128-sample queue.</summary>
    public const int LeadSamples = 25;

    /// <summary>The long press (2 s) plus a margin, as the twin's own SOS.</summary>
    public const int SosHoldMilliseconds = 3_000;

    private readonly TimeSpan _timeout = TimeSpan.FromSeconds(options.TimeoutSeconds);

    public async Task<HilReport> RunAsync(IReadOnlyList<TrialWindow> trials, IReadOnlyList<string> sentences, CancellationToken cancel)
    {
        var report = new HilReport();
        if (link.Request("PING", "PONG", _timeout) is null)
        {
            throw new HilException($"no PONG from the device on {options.PortName} within {options.TimeoutSeconds} s (wrong port or baud rate, or firmware without the HIL listener)");
        }

        if (link.Request("HIL ON", "OK HIL ON", _timeout) is null)
        {
            throw new HilException("the device did not enter test mode (no 'OK HIL ON')");
        }

        try
        {
            for (int i = 0; i < trials.Count; i++)
            {
                TrialOutcome outcome = await ReplayAsync(trials[i], cancel).ConfigureAwait(false);
                report.Trials.Add(outcome);
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"trial {i + 1}/{trials.Count} {outcome.File} {(outcome.IsFall ? "fall" : "adl")}: {(outcome.Detected ? "detected" : "not detected")}{(outcome.DetectionDelayMilliseconds is long d ? $" (at the gateway {d} ms after the device read the peak sample)" : "")}"));
            }

            if (sentences.Count > 0)
            {
                await ReplaySentencesAsync(sentences, cancel).ConfigureAwait(false);
                report.GnssSentencesSent = sentences.Count;
                log.WriteLine($"gnss: {sentences.Count} sentences sent");
            }

            for (int i = 0; i < options.SosPresses; i++)
            {
                long? latency = await PressSosAsync(cancel).ConfigureAwait(false);
                if (latency is long ms)
                {
                    report.SosLatenciesMilliseconds.Add(ms);
                    log.WriteLine($"sos {i + 1}/{options.SosPresses}: at the gateway {ms} ms after the press");
                }
                else
                {
                    report.SosMissed++;
                    log.WriteLine($"sos {i + 1}/{options.SosPresses}: no sos event within {options.TimeoutSeconds} s");
                }
            }

            report.DeviceStatus = link.Request("STAT", "STAT", _timeout) ?? "no STAT reply";
        }
        finally
        {
            link.Request("HIL OFF", "OK HIL OFF", _timeout);
        }

        report.DeviceErrors.AddRange(link.Errors);
        return report;
    }

    private async Task<TrialOutcome> ReplayAsync(TrialWindow trial, CancellationToken cancel)
    {
        var known = (await cloud.ListAsync(options.DeviceId, "fall", cancel).ConfigureAwait(false)).Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        double periodMilliseconds = 1000.0 / trial.SampleRateHertz;
        int peak = PeakIndex(trial);
        long peakReadAt = 0;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < trial.X.Length; i++)
        {
            double due = (i - LeadSamples) * periodMilliseconds;
            double wait = due - clock.Elapsed.TotalMilliseconds;
            if (wait > 1)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(wait), cancel).ConfigureAwait(false);
            }

            link.Send(string.Create(CultureInfo.InvariantCulture, $"A {trial.X[i]} {trial.Y[i]} {trial.Z[i]}"));
            if (i == peak)
            {
                // The device reads it a lead later, at its own 50 Hz.
                peakReadAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + (long)(LeadSamples * periodMilliseconds);
            }
        }

        ObservedEvent? fall = await cloud.WaitForNewAsync(options.DeviceId, "fall", known, TimeSpan.FromMilliseconds(options.SettleMilliseconds), cancel).ConfigureAwait(false);
        return new TrialOutcome(trial.File, trial.IsFall, trial.X.Length, fall is not null, fall is null ? null : fall.Rx - peakReadAt);
    }

    /// <summary>The sample with the largest |a| (the impact of a fall): the reference of the detection delay.</summary>
    private static int PeakIndex(TrialWindow trial)
    {
        int best = 0;
        long bestSquared = -1;
        for (int i = 0; i < trial.X.Length; i++)
        {
            long squared = ((long)trial.X[i] * trial.X[i]) + ((long)trial.Y[i] * trial.Y[i]) + ((long)trial.Z[i] * trial.Z[i]);
            if (squared > bestSquared)
            {
                bestSquared = squared;
                best = i;
            }
        }

        return best;
    }

    private async Task ReplaySentencesAsync(IReadOnlyList<string> sentences, CancellationToken cancel)
    {
        // 20 sentences a second: the HIL GNSS ring holds six, the app drains it on every tick.
        foreach (string sentence in sentences)
        {
            link.Send("G " + sentence);
            await Task.Delay(50, cancel).ConfigureAwait(false);
        }
    }

    private async Task<long?> PressSosAsync(CancellationToken cancel)
    {
        var known = (await cloud.ListAsync(options.DeviceId, "sos", cancel).ConfigureAwait(false)).Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        long pressedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        presser.Press(SosHoldMilliseconds);
        ObservedEvent? sos = await cloud.WaitForNewAsync(options.DeviceId, "sos", known, _timeout, cancel).ConfigureAwait(false);

        // Let the hold end before the next press, or the two would be one press.
        long heldUntil = pressedAt + SosHoldMilliseconds + 200;
        long rest = heldUntil - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        if (rest > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(rest), cancel).ConfigureAwait(false);
        }

        return sos is null ? null : sos.Rx - pressedAt;
    }
}

/// <summary>A HIL run cannot go on (no device, no test mode): the message says why.</summary>
public sealed class HilException(string message) : Exception(message);
