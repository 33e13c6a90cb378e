using System.Runtime.InteropServices;

namespace Eldercare.Edge.Gateway.Hosting;

/// <summary>
/// Linux scheduling priority (nice) of the calling thread. The alarm path's two dedicated threads (the store writer,
/// whose commit every alarm waits for, and the forwarder's alarm lane) run above the threads that serve bulk
/// telemetry, so that on a busy gateway the scheduler picks them first. Raising a priority needs CAP_SYS_NICE or
/// an RLIMIT_NICE that allows it (systemd: <c>LimitNICE=-10</c>); without, the thread keeps the process's priority.
/// </summary>
public static class ThreadNice
{
    private const int PrioProcess = 0;

    /// <summary>Sets the calling thread's nice value; returns null when done, else why not (not Linux, EPERM...).</summary>
    public static string? TrySetCurrentThread(int nice)
    {
        if (nice == 0)
        {
            return null;
        }

        if (!OperatingSystem.IsLinux())
        {
            return "thread priorities are set on Linux only";
        }

        try
        {
            // On Linux setpriority(PRIO_PROCESS, tid) applies to that one thread (man 2 setpriority, BUGS).
            if (setpriority(PrioProcess, gettid(), nice) == 0)
            {
                return null;
            }

            var errno = Marshal.GetLastPInvokeError();
            return errno == 13 || errno == 1
                ? $"not permitted (errno {errno}): grant CAP_SYS_NICE or LimitNICE={nice} to the service"
                : $"setpriority failed (errno {errno})";
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
        {
            return $"libc has no setpriority/gettid: {exception.Message}";
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int setpriority(int which, int who, int prio);

    [DllImport("libc")]
    private static extern int gettid();
}
