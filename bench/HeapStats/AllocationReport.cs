using System.Globalization;
using Microsoft.Diagnostics.Tracing;

internal static class AllocationReport
{
    public static int Print(string path, int top)
    {
        var byType = new Dictionary<string, long>(StringComparer.Ordinal);
        long total = 0;
        using (var source = new EventPipeEventSource(path))
        {
            source.Clr.GCAllocationTick += e =>
            {
                var name = string.IsNullOrEmpty(e.TypeName) ? "?" : e.TypeName;
                byType[name] = byType.GetValueOrDefault(name) + e.AllocationAmount64;
                total += e.AllocationAmount64;
            };
            source.Process();
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sampled allocations {total / 1048576.0:F1} MB"));
        foreach (var (name, bytes) in byType.OrderByDescending(p => p.Value).Take(top))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{100.0 * bytes / Math.Max(1, total),6:F1}% {bytes / 1048576.0,9:F1} MB {name}"));
        }

        return 0;
    }
}
