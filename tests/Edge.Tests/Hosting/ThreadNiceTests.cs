using System.Globalization;
using Eldercare.Edge.Gateway.Hosting;

namespace Eldercare.Edge.Tests.Hosting;

[TestClass]
[TestCategory("Unit")]
public sealed class ThreadNiceTests
{
    [TestMethod]
    public void TrySetCurrentThread_LowerPriority_AppliesToThisThreadOnly()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("Linux only");
        }

        // Lowering a priority is always allowed, so this runs with or without CAP_SYS_NICE.
        string? refused = "not run";
        int niceThere = int.MinValue;
        var thread = new Thread(() =>
        {
            refused = ThreadNice.TrySetCurrentThread(7);
            niceThere = NiceOfThisThread();
        });
        thread.Start();
        thread.Join();

        Assert.IsNull(refused);
        Assert.AreEqual(7, niceThere, "the thread that asked");
        Assert.AreNotEqual(7, NiceOfThisThread(), "other threads keep theirs");
    }

    [TestMethod]
    public void TrySetCurrentThread_HigherPriority_DoneOrExplainsWhatIsMissing()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("Linux only");
        }

        string? refused = "not run";
        int niceThere = int.MinValue;
        var thread = new Thread(() =>
        {
            refused = ThreadNice.TrySetCurrentThread(-3);
            niceThere = NiceOfThisThread();
        });
        thread.Start();
        thread.Join();

        if (refused is null)
        {
            Assert.AreEqual(-3, niceThere);
        }
        else
        {
            StringAssert.Contains(refused, "CAP_SYS_NICE");
        }
    }

    [TestMethod]
    public void TrySetThreadsNamed_OnlyThreadsOfThatName()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("Linux only");
        }

        using var release = new ManualResetEventSlim();
        var niceThere = new int[2];
        var threads = Enumerable.Range(0, 2).Select(i => new Thread(() =>
        {
            release.Wait();
            niceThere[i] = NiceOfThisThread();
        })
        { Name = "nice-test-" + i }).ToList();
        threads.ForEach(t => t.Start());

        var (set, refused) = ThreadNice.TrySetThreadsNamed("nice-test-1", 9);
        release.Set();
        threads.ForEach(t => t.Join());

        Assert.IsNull(refused);
        Assert.AreEqual(1, set);
        Assert.AreEqual(9, niceThere[1]);
        Assert.AreNotEqual(9, niceThere[0]);
    }

    [TestMethod]
    public void TrySetCurrentThread_Zero_LeavesThePriority() => Assert.IsNull(ThreadNice.TrySetCurrentThread(0));

    /// <summary>Field 19 of /proc/thread-self/stat (after the parenthesised command name).</summary>
    private static int NiceOfThisThread()
    {
        var stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[16], CultureInfo.InvariantCulture);
    }
}
