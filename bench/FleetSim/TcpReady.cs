using System.Net;
using System.Net.Sockets;

namespace Eldercare.Bench.FleetSim;

/// <summary>Waits until a server the bench started accepts TCP connections on its port (for servers with no ready line of their own).</summary>
public static class TcpReady
{
    /// <summary>True once <paramref name="port"/> accepts a connection; false when <paramref name="process"/> exited or <paramref name="timeout"/> passed.</summary>
    public static async Task<bool> WaitAsync(ChildProcess process, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!process.HasExited && DateTime.UtcNow < deadline)
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (SocketException)
            {
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
        }

        return false;
    }
}
