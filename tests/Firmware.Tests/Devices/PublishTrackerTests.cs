using Eldercare.Firmware.Devices;

namespace Eldercare.Firmware.Tests.Devices;

/// <summary>M2Mqtt message ids to the core's tokens: PUBACKs, give-ups, duplicates and a lost connection.</summary>
[TestClass]
public sealed class PublishTrackerTests
{
    [TestMethod]
    [TestCategory("Unit")]
    public void TryComplete_PubAckForTrackedId_GivesItsTokenOnce()
    {
        // Arrange
        var tracker = new PublishTracker(8);
        tracker.Add(messageId: 41, token: 7);
        tracker.Add(messageId: 42, token: 8);

        // Act
        bool first = tracker.TryComplete(42, out int token);
        bool repeated = tracker.TryComplete(42, out _);

        // Assert
        Assert.IsTrue(first);
        Assert.AreEqual(8, token);
        Assert.IsFalse(repeated, "a second MqttMsgPublished for the same id must not complete another publish");
        Assert.AreEqual(1, tracker.Pending);
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void TryComplete_UnknownId_IsIgnored()
    {
        // Arrange
        var tracker = new PublishTracker(8);
        tracker.Add(1, 100);

        // Act
        bool found = tracker.TryComplete(2, out int token);

        // Assert
        Assert.IsFalse(found);
        Assert.AreEqual(0, token);
        Assert.AreEqual(1, tracker.Pending);
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void Add_WhenFull_RefusesUntilOneCompletes()
    {
        // Arrange
        var tracker = new PublishTracker(2);
        tracker.Add(1, 10);
        tracker.Add(2, 20);

        // Act
        bool roomWhenFull = tracker.HasRoom;
        bool addedWhenFull = tracker.Add(3, 30);
        tracker.TryComplete(1, out _);
        bool addedAfter = tracker.Add(3, 30);

        // Assert
        Assert.IsFalse(roomWhenFull);
        Assert.IsFalse(addedWhenFull);
        Assert.IsTrue(addedAfter);
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void TakeAll_ConnectionLost_HandsBackEveryWaitingTokenAndForgetsThem()
    {
        // Arrange: M2Mqtt's in-flight session is in RAM only; after a drop no PUBACK will come for these.
        var tracker = new PublishTracker(8);
        tracker.Add(5, 50);
        tracker.Add(6, 60);
        tracker.Add(7, 70);
        tracker.TryComplete(6, out _);

        // Act
        int[] lost = tracker.TakeAll();
        bool lateAck = tracker.TryComplete(5, out _);

        // Assert
        CollectionAssert.AreEqual(new[] { 50, 70 }, lost);
        Assert.AreEqual(0, tracker.Pending);
        Assert.IsFalse(lateAck);
    }
}
