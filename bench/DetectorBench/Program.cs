using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Eldercare.Firmware.Core.Falls;

namespace Eldercare.Bench.DetectorBench;

/// <summary>
/// Hand harness (Stopwatch + GC.GetAllocatedBytesForCurrentThread): streams real SisFall
/// trials (or a synthetic walk/fall trace when the shared data is absent) through the
/// detector of each placement, 10 M samples, and prints one figure per line.
/// </summary>
internal static class Program
{
    private const int Samples = 10_000_000;

    private static int Main(string[] args)
    {
        float[] trace = LoadTrace(args.Length > 0 ? args[0] : FindShared());
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"trace_samples={trace.Length / 3} runtime={System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}"));
        foreach (string placement in new[] { "waist", "neck", "wrist" })
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            var detector = new FallDetector(FallDetectorOptions.ForPlacement(placement));
            long constructed = GC.GetAllocatedBytesForCurrentThread() - before;

            Run(detector, trace, 1_000_000); // warm-up (JIT tiering)
            before = GC.GetAllocatedBytesForCurrentThread();
            long start = Stopwatch.GetTimestamp(); // no Stopwatch object: it would count as an allocation
            int detections = Run(detector, trace, Samples);
            TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            int candidates = CountCandidates(placement, trace);

            Console.WriteLine($"placement={placement}");
            Console.WriteLine(string.Create(c, $"detector_ns_per_sample={elapsed.TotalNanoseconds / Samples:F1}"));
            Console.WriteLine(string.Create(c, $"detector_allocs_per_sample={allocated / (double)Samples:F4} (bytes allocated over {Samples} samples: {allocated})"));
            Console.WriteLine(string.Create(c, $"detector_state_bytes={detector.StateBytes} (payload estimate; managed heap incl. object headers: {constructed})"));
            Console.WriteLine(string.Create(c, $"detector_candidates_per_1000_samples={1000.0 * candidates / (trace.Length / 3):F2} detections={detections}"));
        }

        // IL of the path every sample takes (candidate feature computation excluded: it runs
        // once per impact candidate, a few per minute of activity).
        int il = IlBytes(typeof(FallDetector), "AddSample") + IlBytes(typeof(FallFeatureExtractor), "AddSample")
            + (3 * IlBytes(typeof(FallFeatureExtractor), "ToMilliG")) + IlBytes(typeof(PostureTracker), "AddSample");
        Console.WriteLine($"detector_il_bytes_per_sample_path={il} (FallDetector.AddSample + FallFeatureExtractor.AddSample + 3x ToMilliG + PostureTracker.AddSample)");
        Console.WriteLine($"detector_il_bytes_per_block={IlBytes(typeof(PostureTracker), "CloseBlock")} (PostureTracker.CloseBlock, every 0.5 s; CheckPosture {IlBytes(typeof(PostureTracker), "CheckPosture")} bytes on still blocks only)");
        Console.WriteLine($"detector_il_bytes_per_candidate={IlBytes(typeof(FallFeatureExtractor), "ComputeFeatures") + (5 * IlBytes(typeof(FallFeatureExtractor), "Scan")) + IlBytes(typeof(FallFeatureExtractor), "CountRepetitions")} (ComputeFeatures + 5 scans of <= 100 samples each + the repetition count over <= 190 samples)");
        Console.WriteLine("detector_ops_per_sample_estimate=45 (3 float->short conversions with clamps, 3 stores, ring wrap, |a|^2 = 3 mul + 2 add, 2-4 compares, index bookkeeping; block sums 5 add + 1 mul + 2 compares)");
        return 0;
    }

    private static int Run(FallDetector detector, float[] trace, int samples)
    {
        int detections = 0;
        int n = trace.Length / 3;
        for (int i = 0; i < samples; i++)
        {
            int j = (i % n) * 3;
            if (detector.AddSample(trace[j], trace[j + 1], trace[j + 2]))
            {
                detections++;
            }
        }

        return detections;
    }

    private static int CountCandidates(string placement, float[] trace)
    {
        var extractor = new FallFeatureExtractor(FallDetectorOptions.ForPlacement(placement));
        int candidates = 0;
        for (int j = 0; j < trace.Length; j += 3)
        {
            candidates += extractor.AddSample(trace[j], trace[j + 1], trace[j + 2]) ? 1 : 0;
        }

        return candidates;
    }

    private static int IlBytes(Type type, string name) =>
        type.GetMethod(name, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static)?.GetMethodBody()?.GetILAsByteArray()?.Length ?? 0;

    private static string FindShared()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Devices.sln")))
        {
            directory = directory.Parent;
        }

        return directory is null ? string.Empty : Path.Combine(directory.FullName, "..", "shared", "datasets", "falls");
    }

    /// <summary>All SA01 trials (walking, jogging, stairs, sitting, falls) back to back, in g.</summary>
    private static float[] LoadTrace(string directory)
    {
        var values = new List<float>();
        if (Directory.Exists(directory))
        {
            foreach (string file in Directory.GetFiles(directory, "SA01_*.csv").Order(StringComparer.Ordinal))
            {
                foreach (string line in File.ReadLines(file).Skip(1))
                {
                    foreach (string v in line.Split(','))
                    {
                        values.Add(int.Parse(v, CultureInfo.InvariantCulture) / 1000f);
                    }
                }
            }
        }

        if (values.Count == 0)
        {
            for (int i = 0; i < 50 * 60; i++)
            {
                float bounce = 0.3f * (float)Math.Sin(2 * Math.PI * 2 * i / 50);
                values.AddRange([0.02f, -0.98f - bounce, -0.15f]);
            }
        }

        return [.. values];
    }
}
