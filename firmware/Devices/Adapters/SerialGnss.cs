using System;
using System.IO.Ports;
using Eldercare.Firmware.Core.Hardware;

namespace Eldercare.Firmware.Devices.Adapters
{
    /// <summary>
    /// The GNSS module's NMEA output on a UART (COM2 on the watch, pins set by Configuration.SetPinFunction before the
    /// port is opened), read raw: the core's own streaming parser frames and checks the sentences. Non-blocking; a UART
    /// error reads as "nothing yet".
    /// </summary>
    public sealed class SerialGnss : IGnssReceiver
    {
        private readonly SerialPort _port;

        public SerialGnss(SerialPort port)
        {
            _port = port;
            _port.ReadBufferSize = 2048; // > 2 s of GGA + RMC at 9600 baud, so a slow loop loses nothing
            _port.Open();
        }

        public int Read(byte[] buffer, int offset, int count)
        {
            try
            {
                int available = _port.BytesToRead;
                if (available <= 0)
                {
                    return 0;
                }

                return _port.Read(buffer, offset, available < count ? available : count);
            }
            catch (Exception)
            {
                return 0;
            }
        }
    }
}
