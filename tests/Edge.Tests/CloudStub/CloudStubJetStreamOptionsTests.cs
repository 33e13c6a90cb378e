using Eldercare.CloudStub;
using Eldercare.TestSupport;

namespace Eldercare.Edge.Tests.CloudStub;

/// <summary><c>CloudStub:JetStream</c>: off without a URL; a bad value stops the start with the key named.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class CloudStubJetStreamOptionsTests
{
    [TestMethod]
    [DataRow("--CloudStub:JetStream:Url=http://127.0.0.1:4222", "CloudStub:JetStream:Url 'http://127.0.0.1:4222' is not a nats://host:port URL")]
    [DataRow("--CloudStub:JetStream:Replicas=7", "CloudStub:JetStream:Replicas must be 1..5, got 7")]
    [DataRow("--CloudStub:JetStream:MaxBatch=0", "CloudStub:JetStream:MaxBatch must be 1..1000, got 0")]
    [DataRow("--CloudStub:JetStream:DuplicateWindowSeconds=0", "CloudStub:JetStream:DuplicateWindowSeconds must be >= 1")]
    public void BadValue_StartRefusedWithTheKey(string argument, string expected)
    {
        using var directory = new TempDirectory("stub-js-options");
        string[] args = ["--urls=http://127.0.0.1:0", $"--CloudStub:DataDirectory={directory.Path}", argument];
        if (!argument.Contains(":Url=", StringComparison.Ordinal))
        {
            args = [.. args, "--CloudStub:JetStream:Url=nats://127.0.0.1:4222"];
        }

        var exception = Assert.ThrowsExactly<InvalidOperationException>(() => CloudStubHost.Create(args, contentRoot: directory.Path));

        Assert.Contains(expected, exception.Message);
    }

    [TestMethod]
    public async Task NoUrl_HttpOnly_ReadyLineSaysNothingOfJetStream()
    {
        using var directory = new TempDirectory("stub-js-off");
        await using var stub = CloudStubHost.Create(["--urls=http://127.0.0.1:0", $"--CloudStub:DataDirectory={directory.Path}", "--CloudStub:PrintAlarms=false"], contentRoot: directory.Path);
        await stub.StartAsync();

        Assert.AreEqual($"cloud-stub ready http={stub.Port}", stub.ReadyLine);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}
