using Eldercare.Firmware.Core.Falls;
using Eldercare.Firmware.Tools.FallEval;

namespace Eldercare.Firmware.Tests.Falls;

/// <summary>
/// The detector on batched input (the MPU-6050's FIFO read every second while the ESP32 sleeps, every tick after an
/// impact-level sample: Core/Power/AccelerometerBatching) decides exactly as on sample-by-sample input, and no alarm
/// comes later than one 10 ms tick after the unbatched one, on every trial of the shared datasets.
/// </summary>
[TestClass]
public sealed class BatchedDetectionTests
{
    private const int BatchMilliseconds = 1000;

    [TestMethod]
    [TestCategory("Integration")]
    [DataRow("falls", "waist")]
    [DataRow("umafall/chest", "neck")]
    [DataRow("umafall/wrist", "wrist")]
    public void Batched_EveryTrial_SameDecisionsAndLatencyWithinOneTick(string folder, string placement)
    {
        // Arrange
        List<Trial> trials = TrialLoader.Load(Path.Combine(SharedData.Datasets, folder), null).ToList();
        int slower = 0;
        int earlyButLater = 0;
        var overTwo = (Plain: new List<string>(), Batched: new List<string>());

        // Act
        foreach (Trial trial in trials)
        {
            TrialResult plain = Evaluator.RunOne(trial, FallDetectorOptions.ForPlacement(placement));
            TrialResult batched = Evaluator.RunOne(trial, FallDetectorOptions.ForPlacement(placement), BatchMilliseconds);

            // Assert (per trial): the same decisions
            Assert.AreEqual(plain.Detections, batched.Detections, trial.File);
            Assert.AreEqual(plain.FirstDetectionIndex, batched.FirstDetectionIndex, trial.File);
            if (!trial.IsFall || !plain.Fired)
            {
                continue;
            }

            double extra = batched.LatencySeconds - plain.LatencySeconds;
            if (plain.LatencySeconds < 0 && batched.LatencySeconds < 0)
            {
                // A posture detection before the trial's largest |a| (no impact-level sample yet): read with its batch.
                Assert.IsLessThanOrEqualTo(BatchMilliseconds / 1000.0 + 0.0105, extra, trial.File);
                earlyButLater += extra > 0.0105 ? 1 : 0;
            }
            else
            {
                slower += extra > 0.0105 ? 1 : 0;
            }

            (plain.LatencySeconds > 2.0 ? overTwo.Plain : new List<string>()).Add(trial.File);
            (batched.LatencySeconds > 2.0 ? overTwo.Batched : new List<string>()).Add(trial.File);
        }

        // Assert
        Assert.AreEqual(0, slower, placement + ": alarms at or after the impact more than one tick later with batches");
        CollectionAssert.AreEqual(overTwo.Plain, overTwo.Batched, placement + ": the same alarms (and only those) over 2 s");
        Assert.IsLessThanOrEqualTo(1, earlyButLater, placement + ": detections before the impact read a batch later");
        Assert.IsGreaterThan(100, trials.Count(t => t.IsFall), "the data set is there");
    }

    [TestMethod]
    [TestCategory("Integration")]
    public void BatchedWithoutTheImpactFollowUp_BreaksTheTwoSecondBound_SoTheFollowUpIsWhatKeepsIt()
    {
        // Arrange
        List<Trial> falls = TrialLoader.Load(Path.Combine(SharedData.Datasets, "umafall", "chest"), null).Where(t => t.IsFall).ToList();

        // Act
        int plainOver = falls.Select(t => Evaluator.RunOne(t, FallDetectorOptions.ForPlacement("neck"))).Count(r => r.Fired && r.LatencySeconds > 2.0);
        int bareOver = falls.Select(t => Evaluator.RunOne(t, FallDetectorOptions.ForPlacement("neck"), BatchMilliseconds, followMilliseconds: 0)).Count(r => r.Fired && r.LatencySeconds > 2.0);

        // Assert
        Assert.IsGreaterThan(plainOver + 10, bareOver, $"a 1 s batch alone delays alarms past 2 s (unbatched {plainOver}, batched without follow-up {bareOver})");
    }
}
