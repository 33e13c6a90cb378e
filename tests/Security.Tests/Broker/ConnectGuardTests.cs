using Eldercare.Edge.Gateway.Broker;
using Eldercare.Edge.Gateway.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace Eldercare.Security.Tests.Broker;

/// <summary>
/// The connect guard on a fake clock: failures (never successes) limited per address and per device at an address,
/// a device id never blocked as such, the PBKDF2 budget for failing addresses, bounded tables.
/// </summary>
[TestClass]
[TestCategory("Security")]
public sealed class ConnectGuardTests
{
    private const string Attacker = "192.168.1.66";
    private const string Neighbour = "192.168.1.20";

    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-23T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    private ConnectGuard Create(int perAddress = 10, int perDevice = 3, int windowSeconds = 60, int hashesPerSecond = 2) =>
        new(new MqttOptions
        {
            ConnectFailuresPerAddress = perAddress,
            ConnectFailuresPerDeviceFromAddress = perDevice,
            ConnectWindowSeconds = windowSeconds,
            FailingAddressHashesPerSecond = hashesPerSecond,
        }, _time);

    [TestMethod]
    public void CheckBeforeAuthentication_AddressUsedItsFailures_RefusedUntilWindowEnds()
    {
        var guard = Create(perAddress: 10, perDevice: 100);
        for (var i = 0; i < 10; i++)
        {
            Assert.AreEqual(ConnectRefusal.None, guard.CheckBeforeAuthentication(Attacker, $"ghost-{i:d4}", out _));
            guard.RecordFailure(Attacker, $"ghost-{i:d4}");
        }

        Assert.AreEqual(ConnectRefusal.AddressFailing, guard.CheckBeforeAuthentication(Attacker, "victim-0001", out _));
        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.AreEqual(ConnectRefusal.AddressFailing, guard.CheckBeforeAuthentication(Attacker, "victim-0001", out _));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.AreEqual(ConnectRefusal.None, guard.CheckBeforeAuthentication(Attacker, "victim-0001", out _), "a new window");
    }

    [TestMethod]
    public void CheckBeforeAuthentication_DeviceFailedFromAnotherAddress_NotRefused()
    {
        var guard = Create(perAddress: 10, perDevice: 3);
        for (var i = 0; i < 65; i++)
        {
            if (guard.CheckBeforeAuthentication(Attacker, "victim-0001", out _) == ConnectRefusal.None)
            {
                guard.RecordFailure(Attacker, "victim-0001");
            }
        }

        Assert.AreEqual(ConnectRefusal.DeviceFailingFromAddress, guard.CheckBeforeAuthentication(Attacker, "victim-0001", out _));
        Assert.AreEqual(ConnectRefusal.None, guard.CheckBeforeAuthentication(Neighbour, "victim-0001", out _), "a device id is never blocked as such");
    }

    [TestMethod]
    public void CheckBeforeAuthentication_OneDeviceUsedItsFailures_OtherDevicesFromSameAddressNotRefused()
    {
        // A NAT: one pendant with a stale secret retries; the others behind the same address keep logging in.
        var guard = Create(perAddress: 10, perDevice: 3);
        for (var i = 0; i < 20; i++)
        {
            if (guard.CheckBeforeAuthentication(Neighbour, "stale-0001", out _) == ConnectRefusal.None)
            {
                guard.RecordFailure(Neighbour, "stale-0001");
            }
        }

        Assert.AreEqual(ConnectRefusal.DeviceFailingFromAddress, guard.CheckBeforeAuthentication(Neighbour, "stale-0001", out _));
        Assert.AreEqual(ConnectRefusal.None, guard.CheckBeforeAuthentication(Neighbour, "pendant-0002", out _));
    }

    [TestMethod]
    public void CheckBeforeAuthentication_RepeatedRefusals_FirstFlaggedOncePerWindow()
    {
        var guard = Create(perAddress: 2, perDevice: 100);
        guard.RecordFailure(Attacker, null);
        guard.RecordFailure(Attacker, null);

        var flags = Enumerable.Range(0, 5).Select(_ => guard.CheckBeforeAuthentication(Attacker, null, out var first) == ConnectRefusal.AddressFailing && first).ToList();
        _time.Advance(TimeSpan.FromSeconds(60));
        guard.RecordFailure(Attacker, null);
        guard.RecordFailure(Attacker, null);
        guard.CheckBeforeAuthentication(Attacker, null, out var firstOfNextWindow);

        CollectionAssert.AreEqual(new[] { true, false, false, false, false }, flags);
        Assert.IsTrue(firstOfNextWindow, "logged again in the next window");
    }

    [TestMethod]
    public void Attempt_CleanAddressWithBudgetSpent_StillStarts()
    {
        var guard = Create(hashesPerSecond: 2);
        SpendBudget(guard);

        var attempt = guard.Attempt(Neighbour, "pendant-0001");

        Assert.IsTrue(attempt.MayStart(), "an address that has not failed is never refused a verification");
        Assert.AreEqual(ConnectRefusal.None, attempt.Refusal);
    }

    [TestMethod]
    public void Attempt_FailingAddressWithBudgetSpent_RefusedUntilTokensRefill()
    {
        var guard = Create(hashesPerSecond: 2);
        guard.RecordFailure(Attacker, "victim-0001");
        SpendBudget(guard);

        var refused = guard.Attempt(Attacker, "pendant-0002");
        Assert.IsFalse(refused.MayStart());
        Assert.AreEqual(ConnectRefusal.HashBudgetSpent, refused.Refusal);
        Assert.IsTrue(refused.FirstRefusal);
        Assert.IsFalse(guard.Attempt(Attacker, "pendant-0002").MayStart());

        _time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.IsTrue(guard.Attempt(Attacker, "pendant-0002").MayStart(), "one token back after 1/2 s at 2/s");
        Assert.IsFalse(guard.Attempt(Attacker, "pendant-0002").MayStart());
    }

    [TestMethod]
    public void Attempt_WrongSecret_AddressFailingForTheNextAttempt()
    {
        var guard = Create(hashesPerSecond: 1);
        SpendBudget(guard);
        var first = guard.Attempt(Attacker, "victim-0001");
        Assert.IsTrue(first.MayStart(), "clean: goes ahead without a token");

        first.Finished(ok: false);

        Assert.IsFalse(guard.Attempt(Attacker, "victim-0001").MayStart(), "the failure was recorded when the attempt finished");
    }

    [TestMethod]
    public void Attempt_FloodFromManyAddressesVaryingIds_SlowHashesBoundedByBudgetPlusOnePerAddress()
    {
        // 50 addresses, each trying 20 ids a second with wrong passwords for 30 s (the verification fails each time).
        const int Addresses = 50;
        const int Seconds = 30;
        const int HashesPerSecond = 2;
        var guard = Create(perAddress: 1000, perDevice: 1000, windowSeconds: 600, hashesPerSecond: HashesPerSecond);
        var started = 0;
        for (var second = 0; second < Seconds; second++)
        {
            for (var i = 0; i < 20; i++)
            {
                for (var a = 0; a < Addresses; a++)
                {
                    var address = $"10.0.{a / 250}.{(a % 250) + 1}";
                    var id = $"flood-{(second * 20) + i:d4}";
                    if (guard.CheckBeforeAuthentication(address, id, out _) != ConnectRefusal.None)
                    {
                        continue;
                    }

                    var attempt = guard.Attempt(address, id);
                    if (attempt.MayStart())
                    {
                        started++;
                        attempt.Finished(ok: false);
                    }
                }
            }

            _time.Advance(TimeSpan.FromSeconds(1));
        }

        // 30,000 wrong guesses; each address's first one is free (it had not failed), the rest share the budget.
        Assert.IsLessThanOrEqualTo(Addresses + (HashesPerSecond * (Seconds + 1)), started);
    }

    [TestMethod]
    public void RecordFailure_ManyAddressesAndIds_TablesBoundedAndSweptAfterWindow()
    {
        var guard = Create(perAddress: 5, perDevice: 5, windowSeconds: 60);
        for (var a = 0; a < 30_000; a++)
        {
            guard.RecordFailure($"10.{a / 65536}.{(a / 256) % 256}.{a % 256}", $"ghost-{a % 1000:d4}");
        }

        Assert.AreEqual(2 * ConnectGuard.MaxTrackedKeys, guard.TrackedKeys, "full, not growing");

        _time.Advance(TimeSpan.FromSeconds(60));
        guard.RecordFailure("172.16.0.1", "pendant-0001");

        Assert.AreEqual(2, guard.TrackedKeys, "stale windows swept");
    }

    [TestMethod]
    public void Attempt_UnrememberedAddressWhileTableFull_NeedsAToken()
    {
        var guard = Create(perAddress: 5, perDevice: 5, hashesPerSecond: 1);
        for (var a = 0; a < ConnectGuard.MaxTrackedKeys; a++)
        {
            guard.RecordFailure($"10.{a / 65536}.{(a / 256) % 256}.{a % 256}", null);
        }

        SpendBudget(guard);

        Assert.IsFalse(guard.Attempt("172.16.0.1", "pendant-0001").MayStart());
    }

    [TestMethod]
    [DataRow("127.0.0.2:40123", "127.0.0.2")]
    [DataRow("[::ffff:192.168.1.66]:1883", "192.168.1.66")]
    [DataRow("[2001:db8:1:2:aaaa:bbbb:cccc:dddd]:40123", "2001:db8:1:2::/64")]
    [DataRow("[2001:db8:1:2::9]:5", "2001:db8:1:2::/64")]
    [DataRow("?", "?")]
    public void AddressKey_Remote_Expected(string remote, string expected) =>
        Assert.AreEqual(expected, ConnectGuard.AddressKey(remote));

    /// <summary>Another failing address takes every token (its verifications started, not finished).</summary>
    private static void SpendBudget(ConnectGuard guard)
    {
        guard.RecordFailure("10.99.0.1", null);
        for (var i = 0; i < 100; i++)
        {
            guard.Attempt("10.99.0.1", $"pendant-{i:d4}").MayStart();
        }
    }
}
