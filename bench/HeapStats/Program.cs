using System.Globalization;
using Microsoft.Diagnostics.Runtime;

// Usage: HeapStats <pid> [top N]: live heap by type. Suspends the process while it walks the heap (seconds for ~100 MB).
//        HeapStats alloc <trace.nettrace> [top N]: allocations by type from a dotnet-trace file recorded with the
//        runtime's GC keyword at verbose level (AllocationTick: one event per ~100 KB allocated, so bytes are sampled).
if (args.Length >= 2 && args[0] == "alloc")
{
    return AllocationReport.Print(args[1], args.Length > 2 && int.TryParse(args[2], out var t) ? t : 30);
}

if (args.Length < 1 || !int.TryParse(args[0], out var pid))
{
    Console.Error.WriteLine("usage: HeapStats <pid> [top] | HeapStats alloc <trace.nettrace> [top]");
    return 2;
}

var top = args.Length > 1 && int.TryParse(args[1], out var n) ? n : 40;
using var target = DataTarget.AttachToProcess(pid, suspend: true);
var clr = target.ClrVersions[0];
// The DAC ships beside the runtime (libmscordaccore.so); ClrMD does not download it on Linux.
var dac = clr.ModuleInfo.FileName is { } coreclr ? Path.Combine(Path.GetDirectoryName(coreclr)!, "libmscordaccore.so") : null;
using var runtime = dac is not null && File.Exists(dac) ? clr.CreateRuntime(dac, ignoreMismatch: true) : clr.CreateRuntime();
// Live objects only: marked from the GC roots (the heap also holds garbage not collected yet).
var live = new HashSet<ulong>();
var stack = new Stack<ClrObject>();
foreach (var root in runtime.Heap.EnumerateRoots())
{
    if (root.Object.IsValid && live.Add(root.Object.Address))
    {
        stack.Push(root.Object);
    }
}

while (stack.Count > 0)
{
    foreach (var child in stack.Pop().EnumerateReferences(carefully: true))
    {
        if (child.IsValid && live.Add(child.Address))
        {
            stack.Push(child);
        }
    }
}

var byType = new Dictionary<string, (long Count, long Bytes)>(StringComparer.Ordinal);
long total = 0;
foreach (var obj in runtime.Heap.EnumerateObjects())
{
    if (!live.Contains(obj.Address))
    {
        continue;
    }

    if (!obj.IsValid || obj.IsFree)
    {
        continue;
    }

    var name = obj.Type?.Name ?? "?";
    var size = (long)obj.Size;
    total += size;
    byType[name] = byType.TryGetValue(name, out var v) ? (v.Count + 1, v.Bytes + size) : (1, size);
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"live {total / 1048576.0:F1} MB in {byType.Values.Sum(v => v.Count)} objects"));
foreach (var (name, (count, bytes)) in byType.OrderByDescending(p => p.Value.Bytes).Take(top))
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0,8:F2} MB {count,9} {name}"));
}

return 0;
