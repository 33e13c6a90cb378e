namespace Eldercare.Firmware.Core.Hardware
{
    /// <summary>
    /// Three-axis accelerometer in g (MPU6050 on the pendant and watch). A NACK or
    /// bus error is expected now and then and returns false, not an exception.
    /// </summary>
    public interface IAccelerometer
    {
        bool TryRead(out float xG, out float yG, out float zG);
    }
}
