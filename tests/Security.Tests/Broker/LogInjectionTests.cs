using System.Text;
using Eldercare.Edge.Gateway.Broker;
using Eldercare.Edge.Gateway.Ingest;
using Eldercare.Edge.Gateway.Registry;
using Eldercare.Firmware.Core.Events;
using Eldercare.Security.Tests.Support;
using Eldercare.TestSupport;

namespace Eldercare.Security.Tests.Broker;

/// <summary>
/// Attacker bytes never reach the gateway's log raw, and a flood does not flood it: the outside run saw
/// <c>\r\x1b[2K</c> erase the visible line in a terminal, NUL and BEL from usernames, topics and types, a
/// 16,000-character username make a 16,119-character line, and 500 connections make 500 lines.
/// </summary>
[TestClass]
[TestCategory("Security")]
public sealed class LogInjectionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private static SecurityStack? _stack;

    private static SecurityStack Stack => _stack!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context) =>
        _stack = await SecurityStack.StartAsync(false, ["inject-0001", "inject-0002"], "--Gateway:Ingest:RejectionLogWindowSeconds=2", "--Gateway:Mqtt:ConnectTimeoutSeconds=2");

    [ClassCleanup]
    public static async Task StopAsync()
    {
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }
    }

    [TestMethod]
    public async Task Connect_UsernameWithTerminalControlBytes_LoggedEscaped()
    {
        var before = Stack.Gateway.Metrics.Rejected(RejectReasons.UnknownDevice);
        await using var raw = await RawMqtt.OpenAsync(Stack.MqttPort);

        await raw.SendAsync(RawMqtt.Connect("x", "\r\u001b[2Kroot\u0007ok", "pw"));

        await raw.WaitClosedAsync(Timeout);
        await Eventually.WaitAsync(() => Stack.Gateway.Metrics.Rejected(RejectReasons.UnknownDevice) > before, Timeout, "unknown_device counted");
        await Stack.Log.WaitForLineAsync(Timeout, @"rejected \u000d\u001b[2Kroot\u0007ok unknown_device");
        AssertNoControlCharacters();
    }

    [TestMethod]
    public async Task Connect_SixteenThousandCharacterUsername_LineCapped()
    {
        var before = Stack.Gateway.Metrics.Rejected(RejectReasons.UnknownDevice);
        var user = new string('A', 16_000);
        await using var raw = await RawMqtt.OpenAsync(Stack.MqttPort);

        await raw.SendAsync(RawMqtt.Connect("x", user, "pw"));

        await raw.WaitClosedAsync(Timeout);
        await Eventually.WaitAsync(() => Stack.Gateway.Metrics.Rejected(RejectReasons.UnknownDevice) > before, Timeout, "unknown_device counted");
        var line = await Stack.Log.WaitForLineAsync(Timeout, "rejected AAAA", "more chars");
        Assert.IsLessThan(600, line.Length, "was 16,119 characters");
        Assert.IsTrue(Stack.Log.Lines.All(l => l.Length < 2_000), "no line near the username's size");
    }

    [TestMethod]
    public async Task Publish_TopicAndTypeWithControlBytes_LoggedEscaped()
    {
        await using var raw = await RawMqtt.OpenAsync(Stack.MqttPort);
        await raw.SendAsync(RawMqtt.Connect("inject-0001", "inject-0001", SecurityStack.SecretOf("inject-0001")));
        Assert.AreEqual(0x20, (await raw.ReadAsync(Timeout))![0], "CONNACK");
        var before = Stack.Gateway.Metrics.Rejected(RejectReasons.TopicNotAllowed);

        await raw.SendAsync(RawMqtt.Publish(Topics.Root + "inject-0001/\r\u001b[2K\u0007", Encoding.UTF8.GetBytes("{}"), qos: 1));

        await raw.WaitClosedAsync(Timeout);
        await Eventually.WaitAsync(() => Stack.Gateway.Metrics.Rejected(RejectReasons.TopicNotAllowed) > before, Timeout, "topic_not_allowed counted");
        await Stack.Log.WaitForLineAsync(Timeout, "rejected inject-0001 topic_not_allowed", @"\u000d\u001b[2K\u0007");

        // A type is checked against the table: an unknown one with raw control bytes is named in the detail escaped.
        await using var device = await Stack.ConnectAsync("inject-0002");
        var payload = "{\"v\":1,\"id\":\"inject-0002:1:1\",\"dev\":\"inject-0002\",\"boot\":1,\"seq\":1,\"type\":\"\u001b[2Kx\",\"ts\":1}";
        await device.PublishRawAsync(Encoding.UTF8.GetBytes(payload), Topics.Events("inject-0002"));
        await Stack.Log.WaitForLineAsync(Timeout, "rejected inject-0002");
        AssertNoControlCharacters();
        await Stack.AssertGoodAlarmArrivesAsync();
    }

    [TestMethod]
    public async Task Garbage_FiveHundredConnectionsFromOneAddress_FewLinesAndASummary()
    {
        var before = Stack.Gateway.Metrics.Rejected(BrokerRejectReasons.ProtocolError);
        var linesBefore = Stack.Log.Lines.Count;
        var http = "GET / HTTP/1.1\r\n\r\n"u8.ToArray();

        for (var batch = 0; batch < 10; batch++)
        {
            var sockets = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => RawMqtt.OpenAsync(Stack.MqttPort)));
            await Task.WhenAll(sockets.Select(s => s.SendAsync(http)));
            await Task.WhenAll(sockets.Select(s => s.WaitClosedAsync(Timeout)));
            foreach (var socket in sockets)
            {
                await socket.DisposeAsync();
            }
        }

        await Eventually.WaitAsync(() => Stack.Gateway.Metrics.Rejected(BrokerRejectReasons.ProtocolError) >= before + 500, Timeout, "500 protocol_error counted");
        var summary = await Stack.Log.WaitForLineAsync(Timeout, "rejected 127.0.0.1 protocol_error:", "not logged one by one");
        var lines = Stack.Log.Lines.Skip(linesBefore).Where(l => l.Contains("protocol_error", StringComparison.Ordinal)).ToList();
        // 2 s windows: the burst spans a few of them, each with at most LinesPerWindow lines and one summary.
        Assert.IsLessThan(60, lines.Count, $"500 rejections made {lines.Count} lines (was 500)");
        Assert.IsNotNull(summary);
        await Stack.AssertGoodAlarmArrivesAsync();
    }

    private static void AssertNoControlCharacters()
    {
        var raw = Stack.Log.Lines.Where(l => l.Any(c => c < ' ' || c == '\u007f')).ToList();
        Assert.IsEmpty(raw, "lines with raw control characters: " + string.Join(" | ", raw.Select(l => l.Replace("\u001b", "<ESC>", StringComparison.Ordinal))));
    }
}
