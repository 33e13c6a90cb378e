using System.Diagnostics;
using Eldercare.Edge.Gateway.Broker;
using Eldercare.Edge.Gateway.Registry;
using Eldercare.Security.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Eldercare.Security.Tests.Broker;

/// <summary>The connect guard on the lean device listener (the default engine).</summary>
[TestClass]
[TestCategory("Security")]
public sealed class ConnectLockoutTests : ConnectLockoutContract
{
    private static SecurityStack? _stack;

    protected override SecurityStack Stack => _stack!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context) => _stack = await StartStackAsync();

    [ClassCleanup]
    public static async Task StopAsync()
    {
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }
    }
}

/// <summary>
/// Issue 11, item 2: someone who knows a device id must not lock that device out, and a flood of guesses must cost
/// a bounded number of PBKDF2 verifications. Attackers and devices connect from different loopback addresses
/// (Linux routes all of 127/8 to lo), since the gateway limits failed logins per source address.
/// </summary>
public abstract class ConnectLockoutContract
{
    private const int FailuresPerAddress = 10;
    private const int FailuresPerDevice = 3;
    private const int HashesPerSecond = 1;
    private const byte Success = 0x00;
    private const byte BadUserNameOrPassword = 0x86;
    private const byte QuotaExceeded = 0x97;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    protected abstract SecurityStack Stack { get; }

    private DeviceAuthenticator Authenticator => Stack.Gateway.Services.GetRequiredService<DeviceAuthenticator>();

    protected static Task<SecurityStack> StartStackAsync(params string[] engine) =>
        SecurityStack.StartAsync(false,
            Enumerable.Range(1, 4).Select(i => $"victim-{i:d4}").Concat(Enumerable.Range(1, 120).Select(i => $"flood-{i:d4}")),
            [
                $"--Gateway:Mqtt:ConnectFailuresPerAddress={FailuresPerAddress}",
                $"--Gateway:Mqtt:ConnectFailuresPerDeviceFromAddress={FailuresPerDevice}",
                // Longer than the class runs: no window ends in the middle of a test.
                "--Gateway:Mqtt:ConnectWindowSeconds=600",
                $"--Gateway:Mqtt:FailingAddressHashesPerSecond={HashesPerSecond}",
                .. engine,
            ]);

    [TestMethod]
    public async Task Connect_RealDeviceFromOtherAddressAfter65Guesses_SucceedsAtOnce()
    {
        // The attack run of issue 11: 65 CONNECTs with guessed passwords under a real device's id.
        var hashesBefore = Authenticator.SlowVerifications;
        var answers = new List<byte?>();
        for (var i = 0; i < 65; i++)
        {
            answers.Add(await RawMqtt.TryConnect5Async(Stack.MqttPort, "127.0.0.2", "victim-0001", "guess-" + i, Timeout));
        }

        var clock = Stopwatch.StartNew();
        var real = await RawMqtt.TryConnect5Async(Stack.MqttPort, "127.0.0.3", "victim-0001", SecurityStack.SecretOf("victim-0001"), Timeout);
        clock.Stop();

        Assert.AreEqual(Success, real, "the real device, from its own address, with its right secret (never verified before: a full PBKDF2)");
        Assert.IsLessThan(5000L, clock.ElapsedMilliseconds, "not held behind the guesses");
        // Checked: the first guess, then at most FailuresPerDevice as the budget for failing addresses allows.
        var checkedGuesses = answers.Count(a => a == BadUserNameOrPassword);
        Assert.IsInRange(1, FailuresPerDevice, checkedGuesses);
        Assert.AreEqual(65 - checkedGuesses, answers.Count(a => a == QuotaExceeded), "the rest refused before hashing");
        Assert.IsLessThanOrEqualTo(FailuresPerDevice + 1L, Authenticator.SlowVerifications - hashesBefore, "the guesses' PBKDF2 runs, and the real login's");
        await Stack.Log.WaitForLineAsync(Timeout, BrokerRejectReasons.ConnectRateLimited, "127.0.0.2");
        await Stack.AssertGoodAlarmArrivesAsync();
    }

    [TestMethod]
    public async Task Connect_FromGuessersAddress_VerifiedDeviceServedUnverifiedRefused()
    {
        Assert.AreEqual(Success, await RawMqtt.TryConnect5Async(Stack.MqttPort, "127.0.0.4", "victim-0002", SecurityStack.SecretOf("victim-0002"), Timeout));
        for (var i = 0; i < FailuresPerAddress + 5; i++)
        {
            await RawMqtt.TryConnect5Async(Stack.MqttPort, "127.0.0.5", $"ghost-{i:d4}", "x", Timeout);
        }

        // A pendant behind the guesser's address (a shared NAT) that proved its secret before: one SHA-256, no guard.
        var verified = await RawMqtt.TryConnect5Async(Stack.MqttPort, "127.0.0.5", "victim-0002", SecurityStack.SecretOf("victim-0002"), Timeout);
        // One that never did needs a PBKDF2 run, which this address has lost until its window ends: what a guesser
        // can do is slow its own address.
        var unverified = await RawMqtt.TryConnect5Async(Stack.MqttPort, "127.0.0.5", "victim-0003", SecurityStack.SecretOf("victim-0003"), Timeout);
        var elsewhere = await RawMqtt.TryConnect5Async(Stack.MqttPort, "127.0.0.6", "victim-0003", SecurityStack.SecretOf("victim-0003"), Timeout);

        Assert.AreEqual(Success, verified);
        Assert.AreEqual(QuotaExceeded, unverified);
        Assert.AreEqual(Success, elsewhere);
    }

    [TestMethod]
    public async Task Connect_FloodVaryingUsernamesFromOneAddress_LimitedAndHashesBounded()
    {
        // Known ids with wrong passwords (a PBKDF2 run each, today) and unknown ids (cheap), a new username each time:
        // a per-username limit never sees the same name twice.
        var hashesBefore = Authenticator.SlowVerifications;
        var refusedBefore = Stack.Gateway.Metrics.Rejected(BrokerRejectReasons.ConnectRateLimited);
        var answers = new List<byte?>();
        for (var i = 0; i < 200; i++)
        {
            var id = i % 2 == 0 ? $"flood-{(i / 2) + 1:d4}" : $"ghost-{Random.Shared.Next(100_000):d5}";
            answers.Add(await RawMqtt.TryConnect5Async(Stack.MqttPort, "127.0.0.7", id, "guess-" + i, Timeout));
        }

        var hashes = Authenticator.SlowVerifications - hashesBefore;
        Assert.AreEqual(FailuresPerAddress, answers.Count(a => a == BadUserNameOrPassword));
        Assert.AreEqual(200 - FailuresPerAddress, answers.Count(a => a == QuotaExceeded));
        Assert.IsLessThanOrEqualTo((long)FailuresPerAddress / 2, hashes, "at most the known ids among the failures the address may have");
        Assert.AreEqual(refusedBefore + 200 - FailuresPerAddress, Stack.Gateway.Metrics.Rejected(BrokerRejectReasons.ConnectRateLimited), "each refusal counted");
        await Stack.Log.WaitForLineAsync(Timeout, "rejected 127.0.0.7 " + BrokerRejectReasons.ConnectRateLimited);
        Assert.AreEqual(1, Stack.Log.Lines.Count(l => l.Contains("rejected 127.0.0.7 " + BrokerRejectReasons.ConnectRateLimited, StringComparison.Ordinal)), "logged once per window");
        Assert.AreEqual(Success, await RawMqtt.TryConnect5Async(Stack.MqttPort, "127.0.0.8", "victim-0004", SecurityStack.SecretOf("victim-0004"), Timeout), "another address is served");
        await Stack.AssertGoodAlarmArrivesAsync();
    }

    [TestMethod]
    public async Task Connect_GuessesFromManyAddresses_HashesBoundedByBudgetPlusOnePerAddress()
    {
        // 20 addresses, 5 wrong passwords each at different known ids: under both per-address limits, so only the
        // gateway-wide budget of verifications for failing addresses stands between them and 100 PBKDF2 runs.
        const int Addresses = 20;
        var hashesBefore = Authenticator.SlowVerifications;
        var clock = Stopwatch.StartNew();
        for (var round = 0; round < 5; round++)
        {
            for (var a = 0; a < Addresses; a++)
            {
                await RawMqtt.TryConnect5Async(Stack.MqttPort, $"127.0.1.{a + 1}", $"flood-{(round * Addresses) + a + 1:d4}", "guess", Timeout);
            }
        }

        clock.Stop();
        var hashes = Authenticator.SlowVerifications - hashesBefore;

        // Each address's first guess (it had not failed yet), plus the bucket: one second's worth saved, HashesPerSecond after.
        var bound = Addresses + (HashesPerSecond * (1 + (long)Math.Ceiling(clock.Elapsed.TotalSeconds)));
        Assert.IsLessThanOrEqualTo(bound, hashes, $"{hashes} PBKDF2 runs in {clock.Elapsed.TotalSeconds:f1} s");
        Assert.IsLessThan(100L, hashes);
        await Stack.AssertGoodAlarmArrivesAsync();
    }
}
