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

    /// <summary>
    /// Sets the nice value of every thread of this process whose name (Linux <c>comm</c>, 15 characters) is
    /// <paramref name="threadName"/>, e.g. the runtime's socket engine threads ".NET Sockets". Returns how many were
    /// set and why the others were not.
    /// </summary>
    public static (int Set, string? Refused) TrySetThreadsNamed(string threadName, int nice)
    {
        if (nice == 0 || !OperatingSystem.IsLinux())
        {
            return (0, nice == 0 ? null : "thread priorities are set on Linux only");
        }

        var set = 0;
        string? refused = null;
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            string comm;
            try
            {
                comm = File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n');
            }
            catch (IOException)
            {
                continue; // the thread ended meanwhile
            }

            if (comm != threadName || !int.TryParse(Path.GetFileName(task), out var tid))
            {
                continue;
            }

            if (setpriority(PrioProcess, tid, nice) == 0)
            {
                set++;
            }
            else
            {
                var errno = Marshal.GetLastPInvokeError();
                refused = errno == 13 || errno == 1
                    ? $"not permitted (errno {errno}): grant CAP_SYS_NICE or LimitNICE={nice} to the service"
                    : $"setpriority failed (errno {errno})";
            }
        }

        return (set, refused);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int setpriority(int which, int who, int prio);

    [DllImport("libc")]
    private static extern int gettid();
}
