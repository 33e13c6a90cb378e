using Eldercare.Edge.Gateway.Health;
using Eldercare.Edge.Gateway.Metrics;
using Eldercare.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Eldercare.Edge.Tests.Health;

[TestClass]
[TestCategory("Unit")]
public sealed class ReadinessTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
    private bool _writerRunning = true;
    private string? _lastCommitError;
    private long _commits;
    private int _queueDepth;

    [TestMethod]
    public void Store_Healthy_Ready()
    {
        using var directory = new TempDirectory("ready");

        var finding = Store(directory.Path).Check();

        Assert.IsTrue(finding.Ready, finding.Detail);
    }

    [TestMethod]
    public void Store_LastCommitFailed_NotReadyWithTheError_ReadyAfterTheNextCommit()
    {
        using var directory = new TempDirectory("ready");
        var store = Store(directory.Path);
        _lastCommitError = "database or disk is full";

        var failed = store.Check();
        _lastCommitError = null;
        _commits++;
        var recovered = store.Check();

        Assert.IsFalse(failed.Ready);
        Assert.AreEqual("the last commit failed: database or disk is full", failed.Detail);
        Assert.IsTrue(recovered.Ready, recovered.Detail);
    }

    [TestMethod]
    public void Store_WriterStopped_NotReady()
    {
        using var directory = new TempDirectory("ready");
        var store = Store(directory.Path);
        _writerRunning = false;

        Assert.AreEqual("the store's writer thread is not running", store.Check().Detail);
    }

    [TestMethod]
    public void Store_WritesQueuedNoCommitFor20Seconds_NotReady()
    {
        using var directory = new TempDirectory("ready");
        var store = Store(directory.Path);
        _queueDepth = 7;
        Assert.IsTrue(store.Check().Ready);

        _time.Advance(TimeSpan.FromSeconds(21));

        var finding = store.Check();
        Assert.IsFalse(finding.Ready);
        StringAssert.Contains(finding.Detail, "7 writes queued and no commit for 21 s");
    }

    [TestMethod]
    public void Store_IdleAndDataDirectoryNotWritable_NotReady()
    {
        using var directory = new TempDirectory("ready");
        // Not a directory at all: creating a file in it fails whoever runs the test (root included).
        var notADirectory = directory.File("events.db");
        File.WriteAllText(notADirectory, string.Empty);

        var finding = Store(notADirectory).Check();

        Assert.IsFalse(finding.Ready);
        StringAssert.StartsWith(finding.Detail, $"the data directory {notADirectory} is not writable");
    }

    [TestMethod]
    public void Store_IdleProbe_AtMostOncePerInterval()
    {
        using var directory = new TempDirectory("ready");
        var data = directory.File("data");
        Directory.CreateDirectory(data);
        var store = Store(data);
        Assert.IsTrue(store.Check().Ready);
        Directory.Delete(data);

        var cached = store.Check();
        _time.Advance(StoreReadiness.ProbeInterval);
        var probed = store.Check();

        Assert.IsTrue(cached.Ready, "within the interval the last probe's answer stands (an SD card is not written per request)");
        Assert.IsFalse(probed.Ready, probed.Detail);
    }

    [TestMethod]
    public void Upstream_States_ReadyUnlessDown()
    {
        var metrics = new UpstreamMetrics();
        var upstream = new UpstreamReadiness(metrics, _time);
        metrics.Register("http");
        var unknown = upstream.Check();

        metrics.Failed("http", "alarm", "connection", "Connection refused (127.0.0.1:9)", _time.GetUtcNow().ToUnixTimeMilliseconds());
        _time.Advance(TimeSpan.FromSeconds(12));
        var down = upstream.Check();
        metrics.Succeeded("http", "alarm", TimeSpan.FromMilliseconds(5), _time.GetUtcNow().ToUnixTimeMilliseconds());
        _time.Advance(TimeSpan.FromSeconds(3));
        var up = upstream.Check();

        Assert.IsTrue(unknown.Ready);
        Assert.AreEqual("http: nothing sent yet", unknown.Detail);
        Assert.IsFalse(down.Ready);
        Assert.AreEqual("http: down for 12 s, last error connection: Connection refused (127.0.0.1:9)", down.Detail);
        Assert.IsTrue(up.Ready);
        Assert.AreEqual("http: up for 3 s", up.Detail);
    }

    private StoreReadiness Store(string dataDirectory) =>
        new(() => _writerRunning, () => _lastCommitError, () => _commits, () => _queueDepth, dataDirectory, _time);
}
