using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Eldercare.Security.Tests.Support;

/// <summary>
/// Hand-made MQTT 3.1.1 packets over a bare socket, for what a well-behaved client library refuses to send
/// (wildcards in a PUBLISH topic, QoS 2 without the handshake, oversized headers, garbage).
/// </summary>
public sealed class RawMqtt : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;

    private RawMqtt(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    /// <param name="from">Source address, e.g. 127.0.0.2: Linux routes all of 127/8 to lo, so one test machine can be
    /// an attacker and its neighbours (the gateway limits failed logins per source address).</param>
    public static async Task<RawMqtt> OpenAsync(int port, string from = "127.0.0.1")
    {
        var client = new TcpClient(new IPEndPoint(IPAddress.Parse(from), 0)) { NoDelay = true };
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port).ConfigureAwait(false);
        }
        catch
        {
            client.Dispose();
            throw;
        }

        return new RawMqtt(client);
    }

    /// <summary>Connects from <paramref name="from"/> with an MQTT 5 CONNECT; the CONNACK's reason code (0 = Success,
    /// 0x86 BadUserNameOrPassword, 0x97 QuotaExceeded), or null if the gateway closed without one.</summary>
    public static async Task<byte?> TryConnect5Async(int port, string from, string id, string password, TimeSpan timeout)
    {
        await using var raw = await OpenAsync(port, from).ConfigureAwait(false);
        await raw.SendAsync(Connect5(id, id, password)).ConfigureAwait(false);
        var connack = await raw.ReadAsync(timeout).ConfigureAwait(false);
        // 0x20, remaining length, acknowledge flags, reason code, properties.
        return connack is { Length: >= 4 } && connack[0] == 0x20 ? connack[3] : null;
    }

    public static byte[] Connect5(string clientId, string user, string password)
    {
        var body = new List<byte>();
        body.AddRange(Str("MQTT"));
        body.Add(5); // protocol level 5
        body.Add(0b1100_0010); // username, password, clean start
        body.AddRange([0, 30]); // keep alive
        body.Add(0); // no properties
        body.AddRange(Str(clientId));
        body.AddRange(Str(user));
        body.AddRange(Str(password));
        return Packet(0x10, body);
    }

    public static byte[] Connect(string clientId, string user, string password, string protocolName = "MQTT", byte level = 4)
    {
        var body = new List<byte>();
        body.AddRange(Str(protocolName));
        body.Add(level); // 4: MQTT 3.1.1
        body.Add(0b1100_0010); // username, password, clean session
        body.AddRange([0, 30]); // keep alive
        body.AddRange(Str(clientId));
        body.AddRange(Str(user));
        body.AddRange(Str(password));
        return Packet(0x10, body);
    }

    public static byte[] Publish(string topic, byte[] payload, int qos, ushort packetId = 1, bool retain = false)
    {
        var body = new List<byte>(Str(topic));
        if (qos > 0)
        {
            body.AddRange([(byte)(packetId >> 8), (byte)packetId]);
        }

        body.AddRange(payload);
        return Packet((byte)(0x30 | (qos << 1) | (retain ? 1 : 0)), body);
    }

    public Task SendAsync(byte[] bytes) => _stream.WriteAsync(bytes).AsTask();

    /// <summary>Reads one packet's first bytes (e.g. CONNACK 0x20 ...); null when the server closed the connection.</summary>
    public async Task<byte[]?> ReadAsync(TimeSpan timeout)
    {
        var buffer = new byte[64];
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            var n = await _stream.ReadAsync(buffer, cts.Token).ConfigureAwait(false);
            return n == 0 ? null : buffer[..n];
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Reads until the server closes the connection (true) or the timeout passes (false).</summary>
    public async Task<bool> WaitClosedAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var chunk = await ReadAsync(deadline - DateTime.UtcNow).ConfigureAwait(false);
                if (chunk is null)
                {
                    return true;
                }
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync().ConfigureAwait(false);
        _client.Dispose();
    }

    private static byte[] Str(string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        return [(byte)(bytes.Length >> 8), (byte)bytes.Length, .. bytes];
    }

    private static byte[] Packet(byte header, List<byte> body)
    {
        var result = new List<byte> { header };
        var length = body.Count;
        do
        {
            var digit = (byte)(length % 128);
            length /= 128;
            result.Add(length > 0 ? (byte)(digit | 0x80) : digit);
        }
        while (length > 0);
        result.AddRange(body);
        return result.ToArray();
    }
}
