using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Eldercare.Faults.Tests.Support;

/// <summary>
/// A TCP proxy on 127.0.0.1:&lt;free port&gt; in front of the broker that can drop every link on demand, and
/// can drop them in the middle of a packet: with <see cref="CutMidPacket"/>, each link forwards only the first
/// half of its next device-to-broker chunk (typically half a PUBLISH) and then closes both sides.
/// </summary>
public sealed class CuttingTcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<int, Link> _links = new();
    private readonly Task _acceptLoop;
    private int _nextLink;
    private long _cuts;
    private long _midPacketCuts;

    public CuttingTcpProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    public long Cuts => Interlocked.Read(ref _cuts);

    public long MidPacketCuts => Interlocked.Read(ref _midPacketCuts);

    public int OpenLinks => _links.Count;

    /// <summary>Drops every open link at once (both sockets closed, no MQTT DISCONNECT).</summary>
    public void CutAll()
    {
        foreach (var link in _links.Values)
        {
            link.Close();
            Interlocked.Increment(ref _cuts);
        }
    }

    /// <summary>Each open link forwards half of its next device chunk, then is dropped.</summary>
    public void CutMidPacket()
    {
        foreach (var link in _links.Values)
        {
            link.CutOnNextChunk = true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        CutAll();
        try
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient device;
            try
            {
                device = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var broker = new TcpClient();
            try
            {
                await broker.ConnectAsync(IPAddress.Loopback, _targetPort).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                device.Dispose();
                broker.Dispose();
                continue;
            }

            var id = Interlocked.Increment(ref _nextLink);
            var link = new Link(device, broker);
            _links[id] = link;
            _ = Task.Run(async () =>
            {
                await link.RunAsync(() => Interlocked.Increment(ref _midPacketCuts)).ConfigureAwait(false);
                _links.TryRemove(id, out _);
            });
        }
    }

    private sealed class Link(TcpClient device, TcpClient broker)
    {
        private int _closed;

        public volatile bool CutOnNextChunk;

        public async Task RunAsync(Action countMidPacketCut)
        {
            var up = PumpAsync(device.GetStream(), broker.GetStream(), upstream: true, countMidPacketCut);
            var down = PumpAsync(broker.GetStream(), device.GetStream(), upstream: false, countMidPacketCut);
            await Task.WhenAny(up, down).ConfigureAwait(false);
            Close();
            await Task.WhenAll(up, down).ConfigureAwait(false);
        }

        public void Close()
        {
            if (Interlocked.Exchange(ref _closed, 1) == 0)
            {
                // Linger 0: a reset, as when a Wi-Fi link or a NAT entry dies, not a polite FIN.
                device.Client.LingerState = new LingerOption(true, 0);
                broker.Client.LingerState = new LingerOption(true, 0);
                device.Dispose();
                broker.Dispose();
            }
        }

        private async Task PumpAsync(NetworkStream from, NetworkStream to, bool upstream, Action countMidPacketCut)
        {
            var buffer = new byte[16 * 1024];
            try
            {
                while (true)
                {
                    var read = await from.ReadAsync(buffer).ConfigureAwait(false);
                    if (read == 0)
                    {
                        return;
                    }

                    if (upstream && CutOnNextChunk && read > 1)
                    {
                        await to.WriteAsync(buffer.AsMemory(0, read / 2)).ConfigureAwait(false);
                        await to.FlushAsync().ConfigureAwait(false);
                        countMidPacketCut();
                        Close();
                        return;
                    }

                    await to.WriteAsync(buffer.AsMemory(0, read)).ConfigureAwait(false);
                }
            }
            catch (Exception exception) when (exception is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
            {
                // The link was cut (by us or by a peer).
            }
        }
    }
}
