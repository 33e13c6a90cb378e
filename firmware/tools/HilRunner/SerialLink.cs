using System.Collections.Concurrent;
using System.IO.Ports;
using System.Text;

namespace Eldercare.Firmware.Tools.HilRunner;

/// <summary>
/// The runner's end of the HIL serial link (System.IO.Ports): sends protocol lines, collects the device's reply lines
/// on a reader thread. Reply lines starting with <c>ERR</c> are kept apart and counted (a refused sample shows there).
/// </summary>
public sealed class SerialLink : IDisposable
{
    private readonly SerialPort _port;
    private readonly BlockingCollection<string> _replies = new(boundedCapacity: 1024);
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly Thread _reader;
    private volatile bool _stopping;

    public SerialLink(string portName, int baudRate)
    {
        _port = new SerialPort(portName, baudRate) { ReadTimeout = 200, WriteTimeout = 5_000, NewLine = "\n" };
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = "hil runner serial" };
    }

    /// <summary>ERR lines the device sent, oldest first.</summary>
    public IReadOnlyCollection<string> Errors => _errors;

    /// <summary>Opens the port; throws <see cref="IOException"/> / <see cref="UnauthorizedAccessException"/> when it cannot.</summary>
    public void Open()
    {
        _port.Open();
        _reader.Start();
    }

    public void Send(string line)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(line + "\n");
        _port.Write(bytes, 0, bytes.Length);
    }

    /// <summary>Sends <paramref name="line"/> and waits for a reply starting with <paramref name="expected"/>; returns it, or null on timeout.</summary>
    public string? Request(string line, string expected, TimeSpan timeout)
    {
        while (_replies.TryTake(out _))
        {
        }

        Send(line);
        DateTime deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            TimeSpan left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !_replies.TryTake(out string? reply, left))
            {
                return null;
            }

            if (reply.StartsWith(expected, StringComparison.Ordinal))
            {
                return reply;
            }
        }
    }

    public void Dispose()
    {
        _stopping = true;
        if (_reader.IsAlive)
        {
            _reader.Join(TimeSpan.FromSeconds(2));
        }

        _port.Dispose();
        _replies.Dispose();
    }

    private void ReadLoop()
    {
        var line = new StringBuilder();
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
                _errors.Enqueue("ERR link: " + ex.Message);
                return;
            }

            for (int i = 0; i < read; i++)
            {
                char c = (char)buffer[i];
                if (c == '\n')
                {
                    string text = line.ToString().TrimEnd('\r');
                    line.Clear();
                    if (text.StartsWith("ERR", StringComparison.Ordinal))
                    {
                        _errors.Enqueue(text);
                    }

                    _replies.TryAdd(text);
                }
                else if (line.Length < 512)
                {
                    line.Append(c);
                }
            }
        }
    }
}
