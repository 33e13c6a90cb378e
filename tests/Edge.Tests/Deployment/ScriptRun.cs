using System.Diagnostics;

namespace Eldercare.Edge.Tests.Deployment;

/// <summary>One finished run of a script or tool: exit code and both outputs.</summary>
internal sealed record ScriptRun(int ExitCode, string Output, string Error)
{
    public string All => Output + Error;

    /// <summary>Runs <paramref name="file"/> to its end (killed and failed past <paramref name="timeout"/>).</summary>
    public static ScriptRun Start(string file, IEnumerable<string> arguments, TimeSpan timeout, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{file} {string.Join(' ', info.ArgumentList)} did not finish within {timeout.TotalSeconds:0} s");
        }

        process.WaitForExit();
        return new ScriptRun(process.ExitCode, output.Result, error.Result);
    }

    /// <summary>The full path of a tool on PATH; fails the test (never skips it) when missing: test.sh installs it.</summary>
    public static string Require(string tool)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Concat(["/usr/sbin", "/usr/bin", "/bin"]))
        {
            var candidate = Path.Combine(directory, tool);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        Assert.Fail($"{tool} is not installed (./test.sh installs the package that has it)");
        return tool;
    }
}
