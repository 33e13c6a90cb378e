using Eldercare.Firmware.Core.Apps;
using Eldercare.Firmware.Core.Hardware;
using Eldercare.Firmware.Core.Hil;
using Eldercare.Firmware.Core.Power;
using Eldercare.Firmware.Tests.Fakes;

namespace Eldercare.Firmware.Tests.Power;

/// <summary>
/// Batch mode with a sensor FIFO (WearableHardware.AccelerometerFifo): the app reads exactly what the sensor queued, once
/// a batch period, whatever the drift between the sensor's clock and the chip's; the HIL wrapper passes the FIFO through.
/// </summary>
[TestClass]
[TestCategory("Unit")]
public sealed class AccelerometerFifoTests
{
    private readonly FakeClock _clock = new();

    [TestMethod]
    [DataRow(50.0)]
    [DataRow(48.5)]
    [DataRow(51.5)]
    public void Batches_ReadEverySampleTheSensorQueued_WithoutFailuresOrOverflow(double sensorHertz)
    {
        // Arrange
        var sensor = new DriftingFifo(_clock, sensorHertz);
        WearableApp app = Started(sensor, sensor);

        // Act
        Run(app, 120_000);

        // Assert
        Assert.AreEqual(0, app.AccelerometerFailureCount);
        Assert.IsLessThanOrEqualTo(sensorHertz * AccelerometerBatching.DeviceBatchMilliseconds / 1000.0 + 1, (double)sensor.Queued, "drained every batch");
        Assert.AreEqual(sensor.Produced - sensor.Queued, sensor.Taken, "every sample read, none invented");
        Assert.AreEqual(120, app.AccelerometerBatching!.Reads, 1, "one read a second");
    }

    [TestMethod]
    public void HilWrapper_OutsideTestMode_IsTheSensorsFifo_InTestModeItsOwnQueue()
    {
        // Arrange
        var sensor = new DriftingFifo(_clock, 50);
        var hil = new HilAccelerometer(sensor);
        _clock.Advance(1_000);

        // Act
        int outside = hil.Fill();
        hil.TestMode = true;
        hil.Offer(0, 0, 1000);
        hil.Offer(0, 0, 1000);
        int inside = hil.Fill();

        // Assert
        Assert.AreEqual(50, outside);
        Assert.AreEqual(2, inside);
        Assert.AreEqual(-1, new HilAccelerometer(new ScriptedAccelerometerStub()).Fill(), "a sensor without a FIFO says so");
    }

    [TestMethod]
    public void MillisecondsUntilNextRead_CountsDownToTheBatch_AndIsZeroWithoutBatches()
    {
        // Arrange
        var sensor = new DriftingFifo(_clock, 50);
        WearableApp batched = Started(sensor, sensor);
        Run(batched, 1_000);

        // Act
        long untilNext = batched.MillisecondsUntilNextRead(_clock.UptimeMilliseconds);

        // Assert
        Assert.IsGreaterThan(0L, untilNext);
        Assert.IsLessThanOrEqualTo((long)AccelerometerBatching.DeviceBatchMilliseconds, untilNext);
        WearableApp everyTick = Started(sensor, null, batchMilliseconds: 0);
        Assert.AreEqual(0L, everyTick.MillisecondsUntilNextRead(_clock.UptimeMilliseconds));
    }

    private WearableApp Started(IAccelerometer accelerometer, IAccelerometerFifo? fifo, int batchMilliseconds = AccelerometerBatching.DeviceBatchMilliseconds)
    {
        var hardware = new WearableHardware(_clock, new MemoryStorage(), new FakeMqttLink(), new FakeButton(), new FakeIndicator(), new FakeBattery())
        {
            Accelerometer = accelerometer,
            AccelerometerFifo = fifo,
        };
        var app = new WearableApp(new WearableOptions("pendant-0001") { AccelerometerBatchMilliseconds = batchMilliseconds }, hardware);
        Assert.IsTrue(app.Start());
        return app;
    }

    private void Run(WearableApp app, long milliseconds)
    {
        for (long t = 0; t < milliseconds; t += 10)
        {
            _clock.Advance(10);
            app.Tick();
        }
    }

    /// <summary>A sensor sampling on its own clock into a FIFO: upright and still (1 g on z).</summary>
    private sealed class DriftingFifo(FakeClock clock, double hertz) : IAccelerometer, IAccelerometerFifo
    {
        private int _ready;

        public long Taken { get; private set; }

        public long Produced => (long)(clock.UptimeMilliseconds * hertz / 1000.0);

        public long Queued => Produced - Taken;

        public int Fill()
        {
            _ready = (int)Math.Min(Queued, WearableOptions.AccelerometerFifoSamples);
            return _ready;
        }

        public bool TryRead(out float xG, out float yG, out float zG)
        {
            xG = 0f;
            yG = 0f;
            zG = 1f;
            if (_ready == 0)
            {
                return false;
            }

            _ready--;
            Taken++;
            return true;
        }
    }

    private sealed class ScriptedAccelerometerStub : IAccelerometer
    {
        public bool TryRead(out float xG, out float yG, out float zG)
        {
            xG = yG = 0f;
            zG = 1f;
            return true;
        }
    }
}
