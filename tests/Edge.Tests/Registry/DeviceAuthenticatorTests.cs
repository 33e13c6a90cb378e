using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Registry;
using Eldercare.Firmware.Core.Events;
using Eldercare.TestSupport;

namespace Eldercare.Edge.Tests.Registry;

[TestClass]
[TestCategory("Unit")]
public sealed class DeviceAuthenticatorTests
{
    private static DeviceAuthenticator Create(params DeviceRecord[] records) => new(records, new RegistryOptions());

    [TestMethod]
    public void CreateRecord_Secret_StoresSaltedHashNotSecret()
    {
        var a = SecretHasher.CreateRecord("pendant-1", "s3cret", iterations: 1000);
        var b = SecretHasher.CreateRecord("pendant-1", "s3cret", iterations: 1000);

        Assert.AreNotEqual(a.SecretHash, b.SecretHash, "random salt");
        Assert.DoesNotContain("s3cret", a.SecretHash + a.Salt);
        Assert.IsTrue(SecretHasher.Verify(a, "s3cret"));
        Assert.IsFalse(SecretHasher.Verify(a, "s3cret "));
    }

    [TestMethod]
    [DataRow("pendant-1", "pendant-1", "right", true, null)]
    [DataRow("pendant-1", "pendant-1", "wrong", false, RejectReasons.BadCredentials)]
    [DataRow("pendant-1", "pendant-1", "", false, RejectReasons.BadCredentials)]
    [DataRow("other-id", "pendant-1", "right", false, RejectReasons.BadCredentials)]
    [DataRow("pendant-9", "pendant-9", "right", false, RejectReasons.UnknownDevice)]
    [DataRow("Bad/Id", "Bad/Id", "right", false, RejectReasons.UnknownDevice)]
    public async Task Authenticate_Credentials_Expected(string clientId, string user, string password, bool ok, string? reason)
    {
        using var auth = Create(SecretHasher.CreateRecord("pendant-1", "right", iterations: 1000));

        var result = await auth.AuthenticateAsync(clientId, user, password, CancellationToken.None);

        Assert.AreEqual(ok, result.Ok);
        Assert.AreEqual(reason, result.Reason);
    }

    [TestMethod]
    public async Task Authenticate_DisabledDevice_RefusedEvenWithRightSecret()
    {
        using var auth = Create(SecretHasher.CreateRecord("pendant-1", "right", enabled: false, iterations: 1000));

        var result = await auth.AuthenticateAsync("pendant-1", "pendant-1", "right", CancellationToken.None);

        Assert.IsFalse(result.Ok);
        Assert.Contains("disabled", result.Detail!);
    }

    [TestMethod]
    public async Task Authenticate_Reconnect_CachedVerificationIsFastWrongSecretStillRefused()
    {
        // 2M iterations: tens of milliseconds or more per slow hash, so the cache is visible in the timing.
        using var auth = Create(SecretHasher.CreateRecord("pendant-1", "right", iterations: 2_000_000));
        Assert.IsTrue((await auth.AuthenticateAsync("pendant-1", "pendant-1", "right", CancellationToken.None)).Ok);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 1000; i++)
        {
            Assert.IsTrue((await auth.AuthenticateAsync("pendant-1", "pendant-1", "right", CancellationToken.None)).Ok);
        }

        Assert.IsLessThan(1000L, clock.ElapsedMilliseconds, "1000 cached reconnects");
        Assert.IsFalse((await auth.AuthenticateAsync("pendant-1", "pendant-1", "wrong", CancellationToken.None)).Ok);
    }

    [TestMethod]
    public async Task CheckWithoutSlowHash_SecretAlreadyVerified_AcceptedWithoutPbkdf2()
    {
        using var auth = Create(SecretHasher.CreateRecord("pendant-1", "right", iterations: 1000));
        Assert.IsNull(auth.CheckWithoutSlowHash("pendant-1", "pendant-1", "right"), "not verified yet: only PBKDF2 can tell");
        Assert.IsTrue((await auth.AuthenticateAsync("pendant-1", "pendant-1", "right", CancellationToken.None)).Ok);

        var cached = auth.CheckWithoutSlowHash("pendant-1", "pendant-1", "right");
        var other = auth.CheckWithoutSlowHash("pendant-1", "pendant-1", "guess");

        Assert.IsTrue(cached!.Value.Ok);
        Assert.IsNull(other, "another secret still needs the slow check");
        Assert.AreEqual(1, auth.SlowVerifications);
    }

    [TestMethod]
    public async Task VerifySlowAsync_GateRefuses_NoPbkdf2NothingReported()
    {
        using var auth = Create(SecretHasher.CreateRecord("pendant-1", "right", iterations: 1000));
        var gate = new RecordingGate(allow: false);

        var result = await auth.VerifySlowAsync("pendant-1", "right", gate, CancellationToken.None);

        Assert.IsNull(result);
        Assert.AreEqual(0, auth.SlowVerifications);
        Assert.IsEmpty(gate.Outcomes);
        Assert.IsNull(auth.CheckWithoutSlowHash("pendant-1", "pendant-1", "right"), "nothing cached");
    }

    [TestMethod]
    [DataRow("right", true)]
    [DataRow("wrong", false)]
    public async Task VerifySlowAsync_GateAllows_OutcomeReportedToGate(string secret, bool ok)
    {
        using var auth = Create(SecretHasher.CreateRecord("pendant-1", "right", iterations: 1000));
        var gate = new RecordingGate(allow: true);

        var result = await auth.VerifySlowAsync("pendant-1", secret, gate, CancellationToken.None);

        Assert.AreEqual(ok, result!.Value.Ok);
        CollectionAssert.AreEqual(new[] { ok }, gate.Outcomes);
        Assert.AreEqual(1, auth.SlowVerifications);
    }

    [TestMethod]
    public void Upsert_RegistryFile_RoundTripsAndReplacesById()
    {
        using var directory = new TempDirectory("registry");
        var path = directory.File("devices.json");

        DeviceRegistryFile.Upsert(path, [SecretHasher.CreateRecord("pendant-1", "a", iterations: 10), SecretHasher.CreateRecord("pendant-2", "b", iterations: 10)]);
        DeviceRegistryFile.Upsert(path, [SecretHasher.CreateRecord("pendant-1", "c", enabled: false, iterations: 10)]);
        var loaded = DeviceRegistryFile.Load(path);

        Assert.HasCount(2, loaded);
        var one = loaded.Single(d => d.Id == "pendant-1");
        Assert.IsFalse(one.Enabled);
        Assert.IsTrue(SecretHasher.Verify(one, "c"));
    }

    [TestMethod]
    public void Write_ExistingRegistryFile_ReplacedWholeSortedById()
    {
        using var directory = new TempDirectory("registry");
        var path = directory.File("devices.json");
        DeviceRegistryFile.Upsert(path, [SecretHasher.CreateRecord("pendant-9", "old", iterations: 10)]);

        DeviceRegistryFile.Write(path, [SecretHasher.CreateRecord("pendant-2", "b", iterations: 10), SecretHasher.CreateRecord("pendant-1", "a", iterations: 10)]);
        var loaded = DeviceRegistryFile.Load(path);

        CollectionAssert.AreEqual(new[] { "pendant-1", "pendant-2" }, loaded.Select(d => d.Id).ToArray());
        Assert.IsTrue(SecretHasher.Verify(loaded[1], "b"));
    }

    [TestMethod]
    public void DevicesCommand_Add_WritesEntry()
    {
        using var directory = new TempDirectory("registry");
        var path = directory.File("devices.json");
        var output = new StringWriter();

        var code = DevicesCommand.Run(["devices", "add", "--id", "watch-7", "--secret", "pw", "--registry", path, "--iterations", "100"], output, new StringWriter());

        Assert.AreEqual(0, code);
        Assert.IsTrue(SecretHasher.Verify(DeviceRegistryFile.Load(path).Single(), "pw"));
        Assert.DoesNotContain("pw ", output.ToString());
    }

    [TestMethod]
    public void DevicesCommand_BadId_ExitsTwo()
    {
        var error = new StringWriter();

        var code = DevicesCommand.Run(["devices", "add", "--id", "Bad Id", "--secret", "pw"], new StringWriter(), error);

        Assert.AreEqual(2, code);
        Assert.Contains("--id", error.ToString());
    }

    private sealed class RecordingGate(bool allow) : ISlowHashGate
    {
        public List<bool> Outcomes { get; } = [];

        public bool MayStart() => allow;

        public void Finished(bool ok) => Outcomes.Add(ok);
    }
}
