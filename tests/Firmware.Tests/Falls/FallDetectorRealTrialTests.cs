using Eldercare.Firmware.Core.Falls;
using Eldercare.Firmware.Tools.FallEval;

namespace Eldercare.Firmware.Tests.Falls;

/// <summary>A few real shared trials streamed through the committed profiles.</summary>
[TestClass]
public sealed class FallDetectorRealTrialTests
{
    [TestMethod]
    [TestCategory("Unit")]
    [DataRow("falls/SA01_F01_R01.csv", "waist", true)]
    [DataRow("falls/SE06_F03_R02.csv", "waist", true)]
    [DataRow("falls/SA01_D07_R01.csv", "waist", false)]
    [DataRow("falls/SE02_D11_R01.csv", "waist", false)]
    [DataRow("umafall/chest/U02_forwardFall_R01.csv", "neck", true)]
    [DataRow("umafall/chest/U02_Sitting_GettingUpOnAChair_R01.csv", "neck", false)]
    [DataRow("umafall/wrist/U02_lateralFall_R01.csv", "wrist", true)]
    [DataRow("umafall/wrist/U02_Aplausing_R01.csv", "wrist", false)]
    public void AddSample_RealTrial_FiresOnlyOnFalls(string file, string placement, bool isFall)
    {
        (short[] x, short[] y, short[] z) = TrialLoader.ReadSamples(Path.Combine(SharedData.Datasets, file));
        var detector = new FallDetector(FallDetectorOptions.ForPlacement(placement));

        int detections = 0;
        for (int i = 0; i < x.Length; i++)
        {
            detections += detector.AddSample(x[i] / 1000f, y[i] / 1000f, z[i] / 1000f) ? 1 : 0;
        }

        Assert.AreEqual(isFall ? 1 : 0, detections);
        if (isFall)
        {
            Assert.IsLessThanOrEqualTo(100L, detector.LastDetectionSampleIndex - detector.LastImpactSampleIndex);
        }
    }
}
