namespace Eldercare.Firmware.Core.Hardware
{
    /// <summary>
    /// An accelerometer that samples into its own FIFO while the chip sleeps (the MPU-6050's 1024-byte FIFO at 50 Hz). In
    /// batch mode (<see cref="Apps.WearableOptions.AccelerometerBatchMilliseconds"/>) the app asks how many samples
    /// wait and reads exactly those with <see cref="IAccelerometer.TryRead"/>, so the sensor's clock, not the chip's,
    /// sets the count (no samples invented or left behind when the two drift).
    /// </summary>
    public interface IAccelerometerFifo
    {
        /// <summary>
        /// Moves the samples waiting in the sensor's FIFO to where <see cref="IAccelerometer.TryRead"/> reads them and
        /// returns how many (0 when none), or -1 when the sensor could not be read (a bus error).
        /// </summary>
        int Fill();
    }
}
