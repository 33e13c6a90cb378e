using Eldercare.Firmware.Core.Falls;
using Eldercare.Firmware.Tools.FallEval;

namespace Eldercare.Firmware.Tests.Falls;

/// <summary>
/// Stock ESP32 nanoFramework images compute <c>System.Math</c> in single precision (../shared/NANOFRAMEWORK.md); the
/// host computes it in double. The committed detector decides the same on every trial of the shared datasets with the
/// math modelled in single precision (<see cref="SinglePrecisionMath"/>, as <c>FallEval --math single</c>).
/// </summary>
[TestClass]
public sealed class SinglePrecisionMathTests
{
    [TestMethod]
    [TestCategory("Unit")]
    public void Model_IsSinglePrecision_NotTheHostsDouble()
    {
        // Arrange
        IDetectorMath single = SinglePrecisionMath.Instance;

        // Act
        double log = DetectorMath.Log(single, 0.3);
        double host = DetectorMath.Log(null!, 0.3);

        // Assert: a float's worth of digits, and different from double's
        Assert.AreNotEqual(host, log);
        Assert.AreEqual(0L, BitConverter.DoubleToInt64Bits(log) & 0x1FFFFFFF, "a float widened to double: the low 29 bits of its mantissa are 0");
        Assert.AreEqual(host, log, 1e-6);
    }

    [TestMethod]
    [TestCategory("Integration")]
    [DataRow("falls", "waist")]
    [DataRow("umafall/chest", "neck")]
    [DataRow("umafall/wrist", "wrist")]
    public void SinglePrecision_EveryTrial_SameDecisions(string folder, string placement)
    {
        // Arrange
        List<Trial> trials = TrialLoader.Load(Path.Combine(SharedData.Datasets, folder), null).ToList();
        int describedDifferently = 0;

        // Act
        foreach (Trial trial in trials)
        {
            TrialResult host = Evaluator.RunOne(trial, FallDetectorOptions.ForPlacement(placement));
            FallDetectorOptions device = FallDetectorOptions.ForPlacement(placement);
            device.MathModel = SinglePrecisionMath.Instance;
            TrialResult single = Evaluator.RunOne(trial, device);

            // Assert (per trial): the same decisions, on the same sample
            Assert.AreEqual(host.Detections, single.Detections, trial.File);
            Assert.AreEqual(host.FirstDetectionIndex, single.FirstDetectionIndex, trial.File);
            describedDifferently += host.FirstDescription != single.FirstDescription || host.FirstConfidencePerMille != single.FirstConfidencePerMille ? 1 : 0;
        }

        // The model is in effect: the candidates' features (what the logistic stage weighs) move in their last digits.
        FallDetectorOptions singleTemplate = FallDetectorOptions.ForPlacement(placement);
        singleTemplate.MathModel = SinglePrecisionMath.Instance;
        Candidates[] hostFeatures = Candidates.Extract(trials, FallDetectorOptions.ForPlacement(placement));
        Candidates[] singleFeatures = Candidates.Extract(trials, singleTemplate);
        int values = 0;
        int moved = 0;
        for (int i = 0; i < trials.Count; i++)
        {
            for (int c = 0; c < hostFeatures[i].Features.Count; c++)
            {
                for (int k = 0; k < hostFeatures[i].Features[c].Length; k++)
                {
                    values++;
                    moved += hostFeatures[i].Features[c][k] != singleFeatures[i].Features[c][k] ? 1 : 0;
                }
            }
        }

        // Assert
        Assert.IsGreaterThan(100, trials.Count(t => t.IsFall), "the data set is there");
        Assert.IsGreaterThan(0, moved, "single precision changes some feature values (else the model was not used)");
        Console.WriteLine($"{placement}: {trials.Count} trials, same decisions; {describedDifferently} with another confidence or description; {moved} of {values} impact-candidate feature values differ in single precision");
    }
}
