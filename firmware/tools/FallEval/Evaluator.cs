using Eldercare.Firmware.Core.Apps;
using Eldercare.Firmware.Core.Falls;
using Eldercare.Firmware.Core.Power;

namespace Eldercare.Firmware.Tools.FallEval;

/// <summary>
/// Streams every trial through the core <see cref="FallDetector"/> one sample at a time,
/// exactly as the device does, and records whether and when it fired. With a batch period (<c>--batch-ms</c>) the
/// samples reach the detector as the device reads them from the sensor's FIFO: through the core's
/// <see cref="AccelerometerBatching"/> on a 10 ms app tick, and a detection counts from the tick that read it.
/// </summary>
public static class Evaluator
{
    /// <summary>The device loop's tick (firmware/Devices Program.cs: Tick every 10 ms).</summary>
    public const int TickMilliseconds = 10;

    /// <summary>0: every sample is read as it is taken; above 0: batches (set by <c>--batch-ms</c>).</summary>
    public static int BatchMilliseconds { get; set; }

    /// <summary>
    /// The math functions' runtime (set by <c>--math</c>): null = the host's double-precision <c>System.Math</c>;
    /// <see cref="SinglePrecisionMath"/> = the stock ESP32 image's single-precision functions.
    /// </summary>
    public static IDetectorMath? MathModel { get; set; }

    /// <summary>Gives <paramref name="options"/> the chosen math runtime (every detector and extractor the tool makes).</summary>
    public static FallDetectorOptions WithMath(FallDetectorOptions options)
    {
        if (MathModel is not null)
        {
            options.MathModel = MathModel;
        }

        return options;
    }

    public static TrialResult[] Run(IReadOnlyList<Trial> trials, Func<Trial, FallDetectorOptions> optionsFor)
    {
        var results = new TrialResult[trials.Count];
        int batch = BatchMilliseconds;
        Parallel.For(0, trials.Count, i => results[i] = RunOne(trials[i], optionsFor(trials[i]), batch));
        return results;
    }

    /// <param name="followMilliseconds">reads every tick this long after an impact-level sample; -1: the firmware's default</param>
    public static TrialResult RunOne(Trial trial, FallDetectorOptions options, int batchMilliseconds = 0, int followMilliseconds = -1)
    {
        options.SampleRateHertz = trial.SampleRateHertz;
        var detector = new FallDetector(WithMath(options));
        var batching = new AccelerometerBatching(batchMilliseconds, followMilliseconds >= 0 ? followMilliseconds : new WearableOptions("eval").AccelerometerFollowMilliseconds, options.ImpactThresholdG);
        batching.Start(0);
        int detections = 0;
        long firstDetection = -1;
        long firstImpact = -1;
        long firstReadMicros = -1;
        int confidence = 0;
        string description = string.Empty;
        int next = 0;
        long now = 0;
        while (next < trial.Length)
        {
            // Sample i is taken at i / rate; a tick reads every sample taken by then, when a read is due.
            if (batchMilliseconds > 0)
            {
                now += TickMilliseconds;
                if (!batching.IsReadDue(now))
                {
                    continue;
                }

                batching.Read(now);
            }

            int last = batchMilliseconds > 0 ? (int)Math.Min(trial.Length - 1, now * trial.SampleRateHertz / 1000) : next;
            for (; next <= last; next++)
            {
                float x = trial.X[next] / 1000f, y = trial.Y[next] / 1000f, z = trial.Z[next] / 1000f;
                batching.Observe(x, y, z, next * 1000L / trial.SampleRateHertz);
                if (detector.AddSample(x, y, z) && detector.LastImpactSampleIndex >= trial.Offset)
                {
                    detections++;
                    if (detections == 1)
                    {
                        firstDetection = detector.LastDetectionSampleIndex;
                        firstImpact = detector.LastImpactSampleIndex;
                        confidence = detector.LastConfidencePerMille;
                        description = detector.DescribeLastDetection();
                        firstReadMicros = batchMilliseconds > 0 ? now * 1000 : firstDetection * 1_000_000L / trial.SampleRateHertz;
                    }
                }
            }
        }

        return new TrialResult(trial, detections, firstDetection, firstImpact, confidence, description) { FirstReadMicroseconds = firstReadMicros };
    }
}
