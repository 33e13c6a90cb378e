using System.Runtime.InteropServices;

namespace Eldercare.Bench.FleetSim;

/// <summary>What the figures were measured on.</summary>
public static class Machine
{
    public static IEnumerable<string> Describe()
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        var memory = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        yield return $"CPU: {cpu}, {Environment.ProcessorCount} cores";
        yield return $"memory: {memory}";
        yield return $"OS: {RuntimeInformation.OSDescription}";
        yield return $"runtime: {RuntimeInformation.FrameworkDescription}";
        yield return $"mosquitto: {Run("/usr/sbin/mosquitto", "-h").Split('\n').FirstOrDefault()?.Trim()}";
        yield return $"RabbitMQ: {RabbitMqBroker.Version()} (MQTT plugin); nats-server: {NatsBroker.VersionText}{(NatsBroker.SyncAlways ? " (sync_interval: always)" : " (no per-write fsync option before 2.10)")}";
        yield return $"disk of the work directory: {Run("sh", "-c \"df -h /tmp | tail -1\"").Trim()}";
    }

    private static string Run(string file, string args)
    {
        try
        {
            using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
            p.WaitForExit();
            return output;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "?";
        }
    }
}
