using System.Net;
using System.Net.Sockets;

namespace Eldercare.TestSupport;

/// <summary>Free loopback TCP ports for servers that cannot be told "port 0" (mosquitto, the embedded broker).</summary>
public static class FreePort
{
    private static readonly object Gate = new();
    private static readonly HashSet<int> Handed = [];

    // Below the kernel's ephemeral range (ip_local_port_range, 32768-60999 on Debian): a port picked
    // there and released can be taken by any outgoing connection (a fleet of test devices makes
    // thousands) before the server binds it. Random, so parallel test processes rarely collide.
    private const int RangeStart = 15000;
    private const int RangeEnd = 32000;

    /// <summary>A port that was free a moment ago and was not handed out before in this process.</summary>
    public static int Next()
    {
        lock (Gate)
        {
            for (var attempt = 0; attempt < 200; attempt++)
            {
                var port = Random.Shared.Next(RangeStart, RangeEnd);
                if (Handed.Contains(port) || !CanBind(port))
                {
                    continue;
                }

                Handed.Add(port);
                return port;
            }

            throw new InvalidOperationException("no free loopback port found");
        }
    }

    private static bool CanBind(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Polls until something accepts TCP connections on 127.0.0.1:<paramref name="port"/>.</summary>
    public static async Task WaitUntilListeningAsync(int port, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port).ConfigureAwait(false);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(20).ConfigureAwait(false);
            }
            catch (SocketException exception)
            {
                throw new TimeoutException($"nothing listens on 127.0.0.1:{port} after {timeout.TotalSeconds:0.#} s", exception);
            }
        }
    }
}
