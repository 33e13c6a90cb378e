using System.Net.Sockets;
using System.Text;

namespace Eldercare.Edge.Tests.Support;

/// <summary>A device speaking MQTT 3.1.1 over a bare socket, packet by packet (a client library always writes whole
/// packets and acknowledges on its own; these tests need to split packets and to withhold a PUBACK).</summary>
public sealed class RawMqttDevice : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly TcpClient _client;
    private readonly NetworkStream _stream;

    private RawMqttDevice(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public static async Task<RawMqttDevice> OpenAsync(int port)
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync("127.0.0.1", port);
        return new RawMqttDevice(client);
    }

    public static async Task<RawMqttDevice> ConnectAsync(int port, string id, int keepAliveSeconds = 30, bool cleanSession = true, bool sessionPresent = false)
    {
        var device = await OpenAsync(port);
        await device.SendAsync(Connect(id, EdgeStack.SecretOf(id), keepAliveSeconds, cleanSession: cleanSession));
        CollectionAssert.AreEqual(new byte[] { 0x20, 0x02, (byte)(sessionPresent ? 0x01 : 0x00), 0x00 }, await device.ReadPacketAsync(Timeout), $"CONNACK accepted, session present {sessionPresent}");
        return device;
    }

    /// <summary>CONNECT with username and password; clean session 1 unless asked otherwise (MQTT 3.1.1 3.1.2.4).</summary>
    public static byte[] Connect(string id, string secret, int keepAliveSeconds, string protocolName = "MQTT", byte level = 4, bool cleanSession = true) =>
        Packet(0x10, [.. Str(protocolName), level, (byte)(cleanSession ? 0b1100_0010 : 0b1100_0000), (byte)(keepAliveSeconds >> 8), (byte)keepAliveSeconds, .. Str(id), .. Str(id), .. Str(secret)]);

    public static byte[] PubAck(ushort packetId) => [0x40, 0x02, (byte)(packetId >> 8), (byte)packetId];

    public static byte[] Publish(string topic, byte[] payload, ushort packetId) =>
        Packet(0x32, [.. Str(topic), (byte)(packetId >> 8), (byte)packetId, .. payload]);

    public static byte[] Subscribe(string filter, ushort packetId, byte qos) =>
        Packet(0x82, [(byte)(packetId >> 8), (byte)packetId, .. Str(filter), qos]);

    public static byte[] Unsubscribe(string filter, ushort packetId) =>
        Packet(0xA2, [(byte)(packetId >> 8), (byte)packetId, .. Str(filter)]);

    public static byte[] PingReq() => [0xC0, 0x00];

    public Task SendAsync(byte[] bytes) => _stream.WriteAsync(bytes).AsTask();

    /// <summary>One whole packet, or null when the gateway closed the connection.</summary>
    public async Task<byte[]?> ReadPacketAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            var header = new List<byte>();
            if (!await ReadExactlyAsync(1, header, cts.Token))
            {
                return null;
            }

            var length = 0;
            for (var shift = 0; ; shift += 7)
            {
                if (!await ReadExactlyAsync(1, header, cts.Token))
                {
                    return null;
                }

                length |= (header[^1] & 0x7F) << shift;
                if ((header[^1] & 0x80) == 0)
                {
                    break;
                }
            }

            return await ReadExactlyAsync(length, header, cts.Token) ? [.. header] : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<bool> ReadExactlyAsync(int count, List<byte> into, CancellationToken cancellationToken)
    {
        var buffer = new byte[count];
        var read = 0;
        while (read < count)
        {
            var n = await _stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        into.AddRange(buffer);
        return true;
    }

    private static byte[] Str(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return [(byte)(bytes.Length >> 8), (byte)bytes.Length, .. bytes];
    }

    private static byte[] Packet(byte header, byte[] body)
    {
        var length = new List<byte>();
        var remaining = body.Length;
        do
        {
            var b = (byte)(remaining % 128);
            remaining /= 128;
            length.Add(remaining > 0 ? (byte)(b | 0x80) : b);
        }
        while (remaining > 0);

        return [header, .. length, .. body];
    }
}
