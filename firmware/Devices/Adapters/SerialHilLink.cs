using System;
using System.IO.Ports;
using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Hil;

namespace Eldercare.Firmware.Devices.Adapters
{
    /// <summary>
    /// The HIL test mode's serial link on a spare UART (COM3, pins set by *Pins.ConfigureBuses): every byte the rig sends
    /// goes to the core's <see cref="HilSession"/> (the protocol of firmware/README.md "Hardware-in-the-loop runner":
    /// <c>HIL ON</c> switches the accelerometer, GNSS receiver and SOS button to the link), and each reply goes back as one
    /// line. Polled from the app loop, non-blocking; a UART error is counted and reads as "nothing yet".
    /// </summary>
    public sealed class SerialHilLink
    {
        private readonly SerialPort _port;
        private readonly HilSession _session;
        private readonly byte[] _buffer = new byte[64];

        public SerialHilLink(SerialPort port, HilSession session)
        {
            _port = port;
            _session = session;
            _port.ReadBufferSize = 1024; // ~1 s of samples at 50 Hz ("A x y z" lines), so a slow loop loses nothing
            _port.Open();
        }

        /// <summary>Bytes received since start: a board that heard its rig stays awake (Common/LightSleepGate).</summary>
        public int BytesReceived { get; private set; }

        /// <summary>UART errors since start.</summary>
        public int Errors { get; private set; }

        public bool TestMode
        {
            get { return _session.TestMode; }
        }

        /// <summary>Feeds what arrived to the session and answers; call from the app loop.</summary>
        public void Poll()
        {
            try
            {
                int available = _port.BytesToRead;
                while (available > 0)
                {
                    int read = _port.Read(_buffer, 0, available < _buffer.Length ? available : _buffer.Length);
                    if (read <= 0)
                    {
                        return;
                    }

                    BytesReceived += read;

                    for (int i = 0; i < read; i++)
                    {
                        string reply = _session.Feed(_buffer[i]);
                        if (reply != null)
                        {
                            byte[] line = Utf8.GetBytes(reply + "\n");
                            _port.Write(line, 0, line.Length);
                        }
                    }

                    available -= read;
                }
            }
            catch (Exception)
            {
                Errors++;
            }
        }
    }
}
