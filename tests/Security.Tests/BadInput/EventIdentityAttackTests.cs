using Eldercare.CloudStub;
using Eldercare.Firmware.Core.Events;
using Eldercare.Security.Tests.Support;
using Eldercare.TestSupport;

namespace Eldercare.Security.Tests.BadInput;

/// <summary>
/// One id, one payload (docs/wire-format.md): a device that reuses an event id with another payload (a boot epoch
/// that failed to persist, a storage reset) must not lose the second event, least of all an SOS. The outside attack
/// run sent a heartbeat, then an SOS under the same id: both were acknowledged, the gateway kept the heartbeat while
/// the express path had posted the SOS, and with a 1 s gap the SOS never reached the cloud. Run through the embedded
/// broker and through mosquitto.
/// </summary>
public abstract class EventIdentityAttackTestsBase
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    // MSTest makes an instance per test method: the count is per class (each class has its own stack and devices).
    private static readonly Dictionary<Type, int> NextByClass = [];

    protected abstract SecurityStack Stack { get; }

    protected static IEnumerable<string> Devices => Enumerable.Range(1, 40).Select(i => $"reuser-{i:d4}");

    private string NextDevice()
    {
        lock (NextByClass)
        {
            NextByClass[GetType()] = NextByClass.GetValueOrDefault(GetType()) + 1;
            return $"reuser-{NextByClass[GetType()]:d4}";
        }
    }

    [TestMethod]
    public async Task Publish_SosReusingHeartbeatIdAtOnce_BothKeptSosUnderDerivedIdFlagged()
    {
        // Ten pairs back to back (the outside run lost the SOS to the heartbeat in 3 of 20 and the heartbeat to the SOS in 17).
        var before = Stack.Gateway.Metrics.DeviceFaults(EventIdentity.IdConflict);
        var devices = Enumerable.Range(0, 10).Select(_ => NextDevice()).ToList();
        await Task.WhenAll(devices.Select(async id =>
        {
            await using var device = await Stack.ConnectAsync(id);
            Assert.IsTrue((await device.PublishAsync(Device.Event(id, 42, EventTypes.Heartbeat))).IsSuccess);
            Assert.IsTrue((await device.PublishAsync(Device.Event(id, 42, EventTypes.Sos))).IsSuccess, "acknowledged: durable under its derived id");
        }));

        foreach (var id in devices)
        {
            await AssertBothKeptAsync(id, 42);
        }

        Assert.AreEqual(before + 10, Stack.Gateway.Metrics.DeviceFaults(EventIdentity.IdConflict), "gateway_device_faults_total{fault=\"id_conflict\"}");
        await Stack.Log.WaitForLineAsync(Timeout, "Warning", "id_conflict " + devices[0] + ":1:42");
        await Stack.AssertGoodAlarmArrivesAsync();
    }

    [TestMethod]
    public async Task Publish_SosReusingIdOfHeartbeatAlreadyAtCloud_SosReachesCloudFlagged()
    {
        // The gap case: the heartbeat has reached the cloud before the SOS with its id arrives.
        var id = NextDevice();
        await using var device = await Stack.ConnectAsync(id);
        Assert.IsTrue((await device.PublishAsync(Device.Event(id, 7, EventTypes.Heartbeat))).IsSuccess);
        await Eventually.WaitAsync(() => Stack.Cloud.Database.QueryAsync(id, null), rows => rows.Count == 1, Timeout, "heartbeat at the cloud");

        var sos = Device.Event(id, 7, EventTypes.Sos);
        Assert.IsTrue((await device.PublishAsync(sos)).IsSuccess);

        await AssertBothKeptAsync(id, 7);
        // A resend of the conflicting SOS is a duplicate of its derived id at the gateway and the cloud.
        Assert.IsTrue((await device.PublishAsync(sos)).IsSuccess);
        await Stack.AssertGoodAlarmArrivesAsync();
        Assert.HasCount(2, await Stack.Cloud.Database.QueryAsync(id, null), "the resend stored nowhere twice");
        Assert.AreEqual(2, Stack.StoredCount(id));
    }

    [TestMethod]
    public async Task Publish_LowerSeqNewIdInSameBootAndLane_StoredFlaggedSeqRegression()
    {
        var id = NextDevice();
        var before = Stack.Gateway.Metrics.DeviceFaults(EventIdentity.SeqRegression);
        await using var device = await Stack.ConnectAsync(id);
        var ten = Device.Event(id, 10, EventTypes.Heartbeat);
        Assert.IsTrue((await device.PublishAsync(ten)).IsSuccess);
        Assert.IsTrue((await device.PublishAsync(ten)).IsSuccess, "a resend");
        Assert.IsTrue((await device.PublishAsync(Device.Event(id, 4, EventTypes.Heartbeat))).IsSuccess, "kept: never lose an event to a fault");

        var rows = await Eventually.WaitAsync(() => Stack.Cloud.Database.QueryAsync(id, null), r => r.Count == 2, Timeout, "both at the cloud");

        Assert.IsNull(rows.Single(r => r.Seq == 10).Fault, "a resend is not a regression");
        Assert.AreEqual(EventIdentity.SeqRegression, rows.Single(r => r.Seq == 4).Fault);
        Assert.AreEqual(before + 1, Stack.Gateway.Metrics.DeviceFaults(EventIdentity.SeqRegression));
        await Stack.Log.WaitForLineAsync(Timeout, "Warning", "seq_regression " + id + ":1:4");
    }

    private async Task AssertBothKeptAsync(string id, int seq)
    {
        var rows = await Eventually.WaitAsync(() => Stack.Cloud.Database.QueryAsync(id, null), r => r.Count >= 2, Timeout, $"both events of {id} at the cloud");
        Assert.HasCount(2, rows, string.Join(", ", rows.Select(r => r.Id)));
        var original = DeviceEvent.MakeId(id, 1, seq);
        var heartbeat = rows.Single(r => r.Type == EventTypes.Heartbeat);
        var sos = rows.Single(r => r.Type == EventTypes.Sos);
        Assert.AreEqual(original, heartbeat.Id, "the first payload keeps the id");
        Assert.IsNull(heartbeat.Fault);
        StringAssert.StartsWith(sos.Id, original + EventIdentity.ConflictSeparator);
        Assert.AreEqual(EventIdentity.IdConflict, sos.Fault);
        Assert.AreEqual(original, sos.ConflictOf);
        Assert.AreEqual(0, Stack.Cloud.Counters.IdConflicts, "the cloud never saw one id with two payloads: the gateway decided first");
    }
}

[TestClass]
[TestCategory("Security")]
public sealed class EmbeddedEventIdentityAttackTests : EventIdentityAttackTestsBase
{
    private static SecurityStack? _stack;

    protected override SecurityStack Stack => _stack!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context) => _stack = await SecurityStack.StartAsync(mosquitto: false, Devices);

    [ClassCleanup]
    public static async Task StopAsync()
    {
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }
    }
}

[TestClass]
[TestCategory("Security")]
public sealed class MosquittoEventIdentityAttackTests : EventIdentityAttackTestsBase
{
    private static SecurityStack? _stack;

    protected override SecurityStack Stack => _stack!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context) => _stack = await SecurityStack.StartAsync(mosquitto: true, Devices);

    [ClassCleanup]
    public static async Task StopAsync()
    {
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }
    }
}
