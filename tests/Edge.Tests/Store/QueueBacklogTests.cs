using Eldercare.Edge.Gateway.Store;

namespace Eldercare.Edge.Tests.Store;

[TestClass]
[TestCategory("Unit")]
public sealed class QueueBacklogTests
{
    [TestMethod]
    public void Remove_HeadThenOutOfOrder_FloorStopsBelowTheOldestPending()
    {
        var backlog = Filled(10, 20, 30, 40);

        Assert.IsTrue(backlog.Remove(30), "out of order");
        Assert.AreEqual(9, backlog.Floor(whenEmpty: 99), "30 is done but 10 is not");
        Assert.IsTrue(backlog.Remove(10));
        Assert.AreEqual(19, backlog.Floor(99));
        Assert.IsTrue(backlog.Remove(20));
        Assert.AreEqual(39, backlog.Floor(99), "the floor passes 30, done before");
        Assert.IsFalse(backlog.Remove(30), "not pending any more");
        Assert.IsFalse(backlog.Remove(35), "never here");
        Assert.AreEqual(1, backlog.Pending);
        Assert.IsTrue(backlog.Remove(40));
        Assert.AreEqual(99, backlog.Floor(99), "empty: the store's last sequence");
        Assert.IsNull(backlog.Oldest);
    }

    [TestMethod]
    public void Read_AfterCursorIntoAListWithRows_AppendsUpToMaxOfItsOwnSkipsDone()
    {
        var backlog = Filled(1, 2, 3, 4, 5, 6);
        backlog.Remove(4);
        var into = new List<long> { 100, 200 };

        backlog.Read(after: 2, max: 3, into);

        CollectionAssert.AreEqual(new long[] { 100, 200, 3, 5, 6 }, into);
    }

    [TestMethod]
    public void Add_PastTheRingWhileItWraps_KeepsStoreOrder()
    {
        var backlog = new QueueBacklog();
        var expected = new List<long>();
        for (long i = 1; i <= 1_000; i++)
        {
            backlog.Add(i);
            expected.Add(i);
            if (i % 3 == 0)
            {
                Assert.IsTrue(backlog.Remove(expected[0]));
                expected.RemoveAt(0);
            }
        }

        var all = new List<long>();
        backlog.Read(0, int.MaxValue, all);
        CollectionAssert.AreEqual(expected, all);
        Assert.ThrowsExactly<InvalidOperationException>(() => backlog.Add(5), "a row older than the last added");
    }

    private static QueueBacklog Filled(params long[] sequences)
    {
        var backlog = new QueueBacklog();
        foreach (var sequence in sequences)
        {
            backlog.Add(sequence);
        }

        return backlog;
    }
}
