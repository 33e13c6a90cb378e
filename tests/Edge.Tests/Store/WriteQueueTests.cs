using Eldercare.Edge.Gateway.Store;

namespace Eldercare.Edge.Tests.Store;

[TestClass]
[TestCategory("Unit")]
public sealed class WriteQueueTests
{
    [TestMethod]
    public async Task TryDequeueOtherIf_RefusedHead_StaysFirstOrderKept()
    {
        // The writer takes appends along with an alarm but leaves a mark at the head for the next batch.
        var queue = new WriteQueue<string>(10, (_, _) => { });
        foreach (var item in new[] { "append-1", "mark-1", "append-2" })
        {
            await queue.EnqueueAsync(item, alarm: false, CancellationToken.None);
        }

        await queue.EnqueueAsync("alarm-1", alarm: true, CancellationToken.None);
        static bool IsAppend(string item) => item.StartsWith("append", StringComparison.Ordinal);

        Assert.IsTrue(queue.TryDequeueAlarm(out var alarm));
        Assert.AreEqual("alarm-1", alarm);
        Assert.IsTrue(queue.TryDequeueOtherIf(IsAppend, out var first));
        Assert.AreEqual("append-1", first);
        Assert.IsFalse(queue.TryDequeueOtherIf(IsAppend, out _), "the mark at the head is refused");
        Assert.IsTrue(queue.TryDequeueOther(out var mark));
        Assert.AreEqual("mark-1", mark, "and is still first");
        Assert.IsTrue(queue.TryDequeueOtherIf(IsAppend, out var second));
        Assert.AreEqual("append-2", second);
        Assert.IsFalse(queue.TryDequeueOtherIf(IsAppend, out _), "empty");
    }
}
