using Eldercare.Firmware.Core.Falls;

namespace Eldercare.Firmware.Tests.Falls;

[TestClass]
public sealed class FallDetectorTests
{
    private static List<long> Detections(FallDetector detector, float[][] samples)
    {
        var detections = new List<long>();
        for (int i = 0; i < samples.Length; i++)
        {
            if (detector.AddSample(samples[i][0], samples[i][1], samples[i][2]))
            {
                detections.Add(i);
            }
        }

        return detections;
    }

    private static FallDetector Waist() => new(FallDetectorOptions.ForPlacement("waist"));

    [TestMethod]
    [TestCategory("Unit")]
    public void AddSample_CleanFall_FiresOnceWithinTwoSecondsOfImpact()
    {
        var trace = new SyntheticTraces().Walk(4).Drop(0.4, 0.2f);
        int impactStart = trace.Count;
        float[][] samples = trace.Impact(6f, 0.3f, -0.5f, 0.8f).Lie(8).Samples;
        var detector = Waist();

        List<long> detections = Detections(detector, samples);

        Assert.HasCount(1, detections);
        Assert.AreEqual(impactStart + 2, detector.LastImpactSampleIndex);
        Assert.AreEqual(detections[0], detector.LastDetectionSampleIndex);
        Assert.IsLessThanOrEqualTo(2 * SyntheticTraces.Hertz, detector.LastDetectionSampleIndex - detector.LastImpactSampleIndex);
        Assert.IsGreaterThanOrEqualTo(500, detector.LastConfidencePerMille);
        Assert.IsLessThanOrEqualTo(1000, detector.LastConfidencePerMille);
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void AddSample_HardSit_DoesNotFire()
    {
        float[][] samples = new SyntheticTraces().Stand(3).Drop(0.5, 0.6f).Impact(2.6f, 0.05f, -1f, 0.2f).Sit(8).Samples;

        Assert.IsEmpty(Detections(Waist(), samples));
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void AddSample_JumpAndLandStanding_DoesNotFire()
    {
        float[][] samples = new SyntheticTraces().Stand(3).Impact(1.5f, 0f, -1f, 0f).Drop(0.3, 0.05f).Impact(4.5f, 0.02f, -1f, -0.1f).Stand(8).Samples;

        Assert.IsEmpty(Detections(Waist(), samples));
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void AddSample_StumbleThenWalkOn_DoesNotFire()
    {
        float[][] samples = new SyntheticTraces().Walk(4).Drop(0.15, 0.5f).Impact(3f, 0.3f, -1f, 0.1f).Walk(8).Samples;

        Assert.IsEmpty(Detections(Waist(), samples));
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void AddSample_LyingDownSlowly_DoesNotFire()
    {
        float[][] samples = new SyntheticTraces().Stand(2).LieDownSlowly(4).Lie(8).Samples;

        Assert.IsEmpty(Detections(Waist(), samples));
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void AddSample_SecondImpactInRefractoryPeriod_FiresOnlyOnce()
    {
        float[][] samples = new SyntheticTraces().Walk(4).Drop(0.4, 0.2f).Impact(6f, 0.3f, -0.5f, 0.8f).Lie(3)
            .Impact(5f, 0.3f, -0.5f, 0.8f).Lie(6).Samples;

        Assert.HasCount(1, Detections(Waist(), samples));
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void AddSample_MillionSamples_AllocatesNothing()
    {
        float[][] samples = new SyntheticTraces().Walk(4).Drop(0.4, 0.2f).Impact(6f, 0.3f, -0.5f, 0.8f).Lie(8).Samples;
        var detector = Waist();
        Detections(detector, samples);

        long before = GC.GetAllocatedBytesForCurrentThread();
        int fired = 0;
        for (int i = 0; i < 1_000_000; i++)
        {
            float[] s = samples[i % samples.Length];
            fired += detector.AddSample(s[0], s[1], s[2]) ? 1 : 0;
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.AreEqual(0L, allocated);
        Assert.IsGreaterThan(0, fired);
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void Reset_AfterDetection_RestartsSampleIndices()
    {
        float[][] samples = new SyntheticTraces().Walk(4).Drop(0.4, 0.2f).Impact(6f, 0.3f, -0.5f, 0.8f).Lie(8).Samples;
        var detector = Waist();
        Detections(detector, samples);
        long first = detector.LastDetectionSampleIndex;

        detector.Reset();
        Assert.AreEqual(-1L, detector.LastDetectionSampleIndex);
        Detections(detector, samples);

        Assert.AreEqual(first, detector.LastDetectionSampleIndex);
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void DescribeLastDetection_AfterFall_IsShortFeatureText()
    {
        float[][] samples = new SyntheticTraces().Walk(4).Drop(0.4, 0.2f).Impact(6f, 0.3f, -0.5f, 0.8f).Lie(8).Samples;
        var detector = Waist();
        Detections(detector, samples);

        string text = detector.DescribeLastDetection();

        Assert.IsLessThanOrEqualTo(200, text.Length);
        Assert.StartsWith("peak=", text);
        Assert.Contains(";tilt=", text);
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow("waist")]
    [DataRow("neck")]
    [DataRow("wrist")]
    public void ForPlacement_KnownPlacement_ReturnsValidProfile(string placement)
    {
        FallDetectorOptions options = FallDetectorOptions.ForPlacement(placement);

        Assert.IsNotNull(options);
        Assert.AreEqual(placement, options.Placement);
        Assert.AreEqual(50, options.SampleRateHertz);
        Assert.IsNull(options.Validate());
        Assert.IsLessThan(2048, new FallDetector(options).StateBytes);
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow("ankle")]
    [DataRow("")]
    [DataRow(null)]
    public void ForPlacement_UnknownPlacement_ReturnsNull(string? placement)
    {
        Assert.IsNull(FallDetectorOptions.ForPlacement(placement!));
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void Constructor_InvalidRate_Throws()
    {
        FallDetectorOptions options = FallDetectorOptions.ForPlacement("waist");
        options.SampleRateHertz = 0;

        Assert.ThrowsExactly<ArgumentException>(() => new FallDetector(options));
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void AddSample_CleanFallAt100Hertz_FiresWithinTwoSeconds()
    {
        // The same fall, each sample repeated: the windows follow SampleRateHertz.
        float[][] at50 = new SyntheticTraces().Walk(4).Drop(0.4, 0.2f).Impact(6f, 0.3f, -0.5f, 0.8f).Lie(8).Samples;
        float[][] at100 = [.. at50.SelectMany(s => new[] { s, s })];
        FallDetectorOptions options = FallDetectorOptions.ForPlacement("waist");
        options.SampleRateHertz = 100;
        var detector = new FallDetector(options);

        List<long> detections = Detections(detector, at100);

        Assert.HasCount(1, detections);
        Assert.IsLessThanOrEqualTo(200, detector.LastDetectionSampleIndex - detector.LastImpactSampleIndex);
    }
}
