using System.Diagnostics;
using Eldercare.Edge.Gateway.Broker;

namespace Eldercare.TestSupport;

/// <summary>
/// A real mosquitto (Debian package) on 127.0.0.1:&lt;free port&gt; with its own config in a temp dir:
/// per-user passwords (mosquitto_passwd -U), the project's topic ACL, persistence, and queue limits
/// that do not drop (max_queued_messages 0 / max_inflight_messages 0, DESIGN.md).
/// </summary>
public sealed class MosquittoProcess : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/sbin/mosquitto";
    public const string PasswdPath = "/usr/bin/mosquitto_passwd";

    private readonly TempDirectory _directory;
    private ManagedProcess _process;

    private MosquittoProcess(TempDirectory directory, int port, ManagedProcess process)
    {
        _directory = directory;
        Port = port;
        _process = process;
    }

    public int Port { get; }

    public string ConfigPath => _directory.File("mosquitto.conf");

    public ManagedProcess Process => _process;

    public static bool IsInstalled => File.Exists(ExecutablePath) && File.Exists(PasswdPath);

    /// <param name="users">username -> password (devices and the gateway).</param>
    /// <param name="acl">ACL file text; null for the gateway's own (<see cref="MosquittoAcl"/>) with user "eldercare-gateway".</param>
    /// <param name="extraConfig">More mosquitto.conf lines for the listener (e.g. <c>max_qos 1</c>), appended after the defaults.</param>
    public static async Task<MosquittoProcess> StartAsync(IReadOnlyDictionary<string, string> users, string? acl = null, TimeSpan? timeout = null, string? extraConfig = null)
    {
        var directory = new TempDirectory("mosquitto");
        var port = FreePort.Next();
        var passwordFile = directory.File("passwd");
        await File.WriteAllLinesAsync(passwordFile, users.Select(u => $"{u.Key}:{u.Value}")).ConfigureAwait(false);
        await RunAsync(PasswdPath, ["-U", passwordFile]).ConfigureAwait(false);
        await File.WriteAllTextAsync(directory.File("acl"), acl ?? MosquittoAcl.Text("eldercare-gateway")).ConfigureAwait(false);
        var persistence = Path.Combine(directory.Path, "persist") + "/";
        Directory.CreateDirectory(persistence);
        var runAsRoot = Environment.UserName == "root" ? "user root\n" : string.Empty;
        await File.WriteAllTextAsync(directory.File("mosquitto.conf"), $"""
            {runAsRoot}listener {port} 127.0.0.1
            allow_anonymous false
            password_file {passwordFile}
            acl_file {directory.File("acl")}
            use_username_as_clientid true
            persistence true
            persistence_location {persistence}
            max_queued_messages 0
            max_inflight_messages 0
            log_dest stdout
            log_type error
            log_type warning
            log_type notice
            log_type information
            {extraConfig ?? string.Empty}
            """).ConfigureAwait(false);
        var process = ManagedProcess.Start(ExecutablePath, ["-c", directory.File("mosquitto.conf")], name: "mosquitto");
        var broker = new MosquittoProcess(directory, port, process);
        try
        {
            await FreePort.WaitUntilListeningAsync(port, timeout ?? TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException exception)
        {
            var output = process.Output;
            await broker.DisposeAsync().ConfigureAwait(false);
            throw new TimeoutException($"{exception.Message}\nmosquitto output:\n{output}", exception);
        }

        return broker;
    }

    /// <summary>Kill and start again on the same port with the same persistence (broker restart tests).</summary>
    public async Task RestartAsync(TimeSpan? timeout = null)
    {
        await _process.DisposeAsync().ConfigureAwait(false);
        _process = ManagedProcess.Start(ExecutablePath, ["-c", ConfigPath], name: "mosquitto");
        await FreePort.WaitUntilListeningAsync(Port, timeout ?? TimeSpan.FromSeconds(10)).ConfigureAwait(false);
    }

    /// <summary>
    /// SIGTERM, wait for the exit, start again on the same port: a clean broker restart. mosquitto writes its
    /// persistence file on a clean shutdown (not per message: <c>autosave_interval</c>), so queued QoS 1 messages
    /// of persistent sessions survive this, unlike <see cref="RestartAsync"/> (SIGKILL).
    /// </summary>
    public async Task RestartGracefullyAsync(TimeSpan? timeout = null)
    {
        using (var term = System.Diagnostics.Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync().ConfigureAwait(false);
        }

        await _process.WaitForExitAsync(timeout ?? TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        await _process.DisposeAsync().ConfigureAwait(false);
        _process = ManagedProcess.Start(ExecutablePath, ["-c", ConfigPath], name: "mosquitto");
        await FreePort.WaitUntilListeningAsync(Port, timeout ?? TimeSpan.FromSeconds(10)).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync().ConfigureAwait(false);
        _directory.Dispose();
    }

    private static async Task RunAsync(string file, string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var p = System.Diagnostics.Process.Start(info)!;
        var error = await p.StandardError.ReadToEndAsync().ConfigureAwait(false);
        await p.WaitForExitAsync().ConfigureAwait(false);
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {error}");
        }
    }
}
