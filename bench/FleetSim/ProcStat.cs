using System.Globalization;

namespace Eldercare.Bench.FleetSim;

/// <summary>Per-process figures from /proc (Linux): the profile this machine always has.</summary>
public static class ProcStat
{
    /// <summary>USER_HZ on Linux is 100 on every mainstream architecture (sysconf(_SC_CLK_TCK)).</summary>
    internal const double TicksPerSecond = 100.0;

    public static double ResidentMegabytes(int pid) => StatusKilobytes(pid, "VmRSS:") / 1024.0;

    public static double PeakResidentMegabytes(int pid) => StatusKilobytes(pid, "VmHWM:") / 1024.0;

    /// <summary>VmRSS split as the kernel counts it: anonymous (heaps, stacks), file-backed (code, mapped files), shared memory.</summary>
    public static string MemoryBreakdown(int pid) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"anon {StatusKilobytes(pid, "RssAnon:") / 1024.0:F0} MB, file {StatusKilobytes(pid, "RssFile:") / 1024.0:F0} MB, shmem {StatusKilobytes(pid, "RssShmem:") / 1024.0:F0} MB");

    public static long ThreadCount(int pid) => StatusKilobytes(pid, "Threads:");

    public static long VoluntaryContextSwitches(int pid) => StatusKilobytes(pid, "voluntary_ctxt_switches:");

    /// <summary>The nice value of the process's main thread (field 19 of /proc/&lt;pid&gt;/stat), or null when unreadable.</summary>
    public static int? Nice(int pid) => StatFields(pid) is { } fields ? int.Parse(fields[Field(19)], CultureInfo.InvariantCulture) : null;

    public static double CpuSeconds(int pid) =>
        StatFields(pid) is { } fields
            ? (long.Parse(fields[Field(14)], CultureInfo.InvariantCulture) + long.Parse(fields[Field(15)], CultureInfo.InvariantCulture)) / TicksPerSecond
            : 0;

    /// <summary>The fields of /proc/&lt;pid&gt;/stat after the ")" of the command name (which may hold spaces), or null.</summary>
    private static string[]? StatFields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Index in <see cref="StatFields"/> of field <paramref name="number"/> of proc(5) (state is field 3, utime 14, stime 15, nice 19).</summary>
    private static int Field(int number) => number - 3;

    /// <summary>
    /// The processes below <paramref name="pid"/> (children, grandchildren, ...), from the parent field of every
    /// /proc/&lt;pid&gt;/stat: a server started through a wrapper script (rabbitmq-server runs erl as its child) does
    /// its work in a descendant, and /proc/&lt;pid&gt;/stat counts a process's own CPU only.
    /// </summary>
    public static IReadOnlyList<(int Pid, string Name)> Descendants(int pid)
    {
        var parents = new List<(int Pid, int Parent, string Name)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var candidate))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var open = stat.IndexOf('(');
                var close = stat.LastIndexOf(')');
                // After the ")" of the command name: state is field 3, the parent's pid field 4.
                var fields = stat[(close + 2)..].Split(' ');
                parents.Add((candidate, int.Parse(fields[1], CultureInfo.InvariantCulture), stat[(open + 1)..close]));
            }
            catch (IOException)
            {
                // The process ended meanwhile.
            }
        }

        var found = new List<(int Pid, string Name)>();
        var frontier = new Queue<int>([pid]);
        while (frontier.TryDequeue(out var parent))
        {
            foreach (var child in parents.Where(p => p.Parent == parent))
            {
                found.Add((child.Pid, child.Name));
                frontier.Enqueue(child.Pid);
            }
        }

        return found;
    }

    private static long StatusKilobytes(int pid, string key)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(key, StringComparison.Ordinal))
                {
                    var value = line[key.Length..].Trim();
                    var space = value.IndexOf(' ');
                    return long.Parse(space < 0 ? value : value[..space], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }

        return 0;
    }
}
