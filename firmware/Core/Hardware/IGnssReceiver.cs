namespace Eldercare.Firmware.Core.Hardware
{
    /// <summary>
    /// A GNSS module's serial output (NMEA 0183 on a UART, 9600 8N1 by default on ATGM336H / L76K-class modules).
    /// Non-blocking: returns the bytes already received, 0 when none; a UART error returns 0, not an exception.
    /// </summary>
    public interface IGnssReceiver
    {
        int Read(byte[] buffer, int offset, int count);
    }
}
