using System.IO.Ports;
using System.Text;
using Eldercare.Firmware.Core.Hil;

namespace Eldercare.VirtualDevice.Hil;

/// <summary>
/// The twin's end of the HIL serial link: reads the port on its own thread, hands every byte to the core's
/// <see cref="HilSession"/> (the same parsing a board runs) and writes its replies back, one line each. In CI the port
/// is one end of a socat pseudo-terminal pair; the HIL runner holds the other.
/// </summary>
public sealed class SerialHilListener : IDisposable
{
    private readonly SerialPort _port;
    private readonly HilSession _session;
    private readonly Thread _reader;
    private volatile bool _stopping;

    public SerialHilListener(string portName, int baudRate, HilSession session)
    {
        _session = session;
        _port = new SerialPort(portName, baudRate) { ReadTimeout = 200, WriteTimeout = 2_000, NewLine = "\n" };
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = "hil serial " + portName };
    }

    private long _bytes;
    private volatile string? _failure;

    /// <summary>Why the reader stopped, when it stopped on an error (null while running or after <see cref="Dispose"/>).</summary>
    public string? Failure => _failure;

    /// <summary>Bytes received from the runner so far.</summary>
    public long BytesReceived => Interlocked.Read(ref _bytes);

    /// <summary>Opens the port and starts reading; throws <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/> when the port cannot be opened.</summary>
    public void Start()
    {
        _port.Open();
        _reader.Start();
    }

    public void Dispose()
    {
        _stopping = true;
        if (_reader.IsAlive)
        {
            _reader.Join(TimeSpan.FromSeconds(2));
        }

        _port.Dispose();
    }

    private void ReadLoop()
    {
        var buffer = new byte[256];
        while (!_stopping)
        {
            int read;
            try
            {
                read = _port.Read(buffer, 0, buffer.Length);
            }
            catch (TimeoutException)
            {
                continue;
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or OperationCanceledException)
            {
                if (!_stopping)
                {
                    _failure = ex.Message;
                }

                return;
            }

            Interlocked.Add(ref _bytes, read);
            for (int i = 0; i < read; i++)
            {
                string? reply = _session.Feed(buffer[i]);
                if (reply is not null)
                {
                    byte[] bytes = Encoding.ASCII.GetBytes(reply + "\n");
                    try
                    {
                        _port.Write(bytes, 0, bytes.Length);
                    }
                    catch (Exception ex) when (ex is IOException or InvalidOperationException or TimeoutException)
                    {
                        _failure = ex.Message;
                        return;
                    }
                }
            }
        }
    }
}
