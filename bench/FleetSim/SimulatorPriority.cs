using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Eldercare.Bench.FleetSim;

/// <summary>
/// The simulated fleet stands in for thousands of separate devices, yet here it shares the 2 cores with the
/// system under test. Its threads run at nice 10 (CFS weight ~1/10 of the gateway's, cloud stub's and
/// mosquitto's), so the load generator does not take CPU from what it measures; the simulator is closed-loop
/// (window 1), so it still offers as much load as the broker can take. Children must not inherit nice 10, and
/// Linux forks them from the calling thread with its nice value: they are started from one launcher thread
/// created before the demotion and left at nice 0. Linux only; elsewhere nothing changes.
/// </summary>
public static partial class SimulatorPriority
{
    /// <summary>Threads with this name (the alarm senders) are left at nice 0 as well.</summary>
    public const string NormalPriorityThreadName = "bench-alarms";

    private const string LauncherName = "bench-launcher";
    private static readonly BlockingCollection<Action> Work = [];
    private static int _started;

    public static int Nice { get; private set; }

    /// <summary>Starts the launcher thread and the sweep that demotes every other thread of this process.</summary>
    public static void Lower(int nice)
    {
        if (!OperatingSystem.IsLinux() || Interlocked.Exchange(ref _started, 1) == 1)
        {
            return;
        }

        Nice = nice;
        var launcher = new Thread(() =>
        {
            foreach (var action in Work.GetConsumingEnumerable())
            {
                action();
            }
        })
        {
            IsBackground = true,
            Name = LauncherName,
        };
        launcher.Start();
        var sweeper = new Thread(() =>
        {
            while (true)
            {
                Sweep(nice);
                Thread.Sleep(250);
            }
        })
        {
            IsBackground = true,
            Name = "bench-nice",
        };
        sweeper.Start();
    }

    /// <summary>Runs <paramref name="start"/> (a process start) on the launcher thread, at the original priority.</summary>
    public static T OnLauncher<T>(Func<T> start)
    {
        if (Volatile.Read(ref _started) == 0)
        {
            return start();
        }

        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Work.Add(() =>
        {
            try
            {
                done.SetResult(start());
            }
            catch (Exception exception)
            {
                done.SetException(exception);
            }
        });
        return done.Task.GetAwaiter().GetResult();
    }

    private static void Sweep(int nice)
    {
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                var name = File.ReadAllText(Path.Combine(task, "comm")).Trim();
                if (name == LauncherName || name == NormalPriorityThreadName)
                {
                    continue;
                }

                var tid = int.Parse(Path.GetFileName(task), System.Globalization.CultureInfo.InvariantCulture);
                _ = SetPriority(0, tid, nice);
            }
            catch (IOException)
            {
                // The thread ended meanwhile.
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int priority);
}
