using System.Globalization;

namespace Eldercare.Bench.FleetSim;

/// <summary>
/// A process's I/O counters from /proc/&lt;pid&gt;/io (proc(5)): <c>rchar</c> / <c>wchar</c> are bytes passed to read and
/// write system calls (page cache hits included), <c>syscr</c> / <c>syscw</c> the number of those calls,
/// <c>read_bytes</c> / <c>write_bytes</c> what the process caused to be fetched from or sent to storage.
/// </summary>
public readonly record struct IoCounters(long ReadChars, long WriteChars, long ReadSyscalls, long WriteSyscalls, long ReadBytes, long WriteBytes)
{
    public static IoCounters Of(int pid)
    {
        long rchar = 0, wchar = 0, syscr = 0, syscw = 0, readBytes = 0, writeBytes = 0;
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/io"))
            {
                var colon = line.IndexOf(':');
                if (colon < 0)
                {
                    continue;
                }

                var value = long.Parse(line[(colon + 1)..].Trim(), CultureInfo.InvariantCulture);
                switch (line[..colon])
                {
                    case "rchar": rchar = value; break;
                    case "wchar": wchar = value; break;
                    case "syscr": syscr = value; break;
                    case "syscw": syscw = value; break;
                    case "read_bytes": readBytes = value; break;
                    case "write_bytes": writeBytes = value; break;
                }
            }
        }
        catch (IOException)
        {
        }

        return new IoCounters(rchar, wchar, syscr, syscw, readBytes, writeBytes);
    }

    public static IoCounters operator -(IoCounters after, IoCounters before) => new(
        after.ReadChars - before.ReadChars, after.WriteChars - before.WriteChars,
        after.ReadSyscalls - before.ReadSyscalls, after.WriteSyscalls - before.WriteSyscalls,
        after.ReadBytes - before.ReadBytes, after.WriteBytes - before.WriteBytes);

    /// <summary>
    /// Bytes written to storage: <c>write_bytes</c>, or <c>wchar</c> where the kernel does not account storage writes
    /// per process (write_bytes stays 0, e.g. some containers); <see cref="DiskSource"/> says which.
    /// </summary>
    public long DiskWriteBytes => WriteBytes > 0 ? WriteBytes : WriteChars;

    public string DiskSource => WriteBytes > 0 ? "write_bytes" : "wchar (write_bytes stayed 0 here)";

    /// <summary>"wchar 1234 B, rchar ..., syscr ..., syscw ..., read_bytes ..., write_bytes ..." per event, for the notes.</summary>
    public string DescribePerEvent(double events) => string.Create(CultureInfo.InvariantCulture,
        $"per event: write_bytes {WriteBytes / events:F0} B, wchar {WriteChars / events:F0} B, rchar {ReadChars / events:F0} B, syscw {WriteSyscalls / events:F1}, syscr {ReadSyscalls / events:F1}, read_bytes {ReadBytes / events:F0} B");
}
