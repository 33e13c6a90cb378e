// COMPILE-ONLY declarations for the firmware compile test (tests/Firmware.Tests/NanoCompile): never shipped, never run,
// referenced by no runnable project; on the device the real package in packages.config provides these types.
// Only the members the device projects use (and their overload siblings) are declared, each signature copied from
// https://github.com/nanoframework/System.IO.Ports/blob/v1.1.139/System.IO.Ports/SerialPort.cs (line).
namespace System.IO.Ports
{
    public enum Parity // Parity.cs
    {
        None = 0,
        Odd = 1,
        Even = 2,
    }

    public enum StopBits // StopBits.cs
    {
        One = 1,
        Two = 2,
        OnePointFive = 3,
    }

    public class SerialPort : IDisposable // SerialPort.cs
    {
        // SerialPort.cs:65
        public SerialPort(string portName, int baudRate = 9600, Parity parity = Parity.None, int dataBits = 8, StopBits stopBits = StopBits.One) { }

        public void Open() => throw null; // SerialPort.cs:106

        public void Close() => throw null; // SerialPort.cs:134

        public bool IsOpen => throw null; // SerialPort.cs:357

        public int ReadTimeout { get => throw null; set => throw null; } // SerialPort.cs:387

        public int BytesToRead => throw null; // SerialPort.cs:456

        public int ReadBufferSize { get => throw null; set => throw null; } // SerialPort.cs:499

        public int Read(byte[] buffer, int offset, int count) => throw null; // SerialPort.cs:661

        public void Write(byte[] buffer, int offset, int count) => throw null; // SerialPort.cs, Write(byte[], int, int) after ReadLine

        public void Dispose() => throw null; // SerialPort.cs:820
    }
}
