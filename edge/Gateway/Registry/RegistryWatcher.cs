using Eldercare.Edge.Gateway.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Eldercare.Edge.Gateway.Registry;

/// <summary>
/// Reloads the registry file when it changes (<c>devices add</c> writes a temp file and renames it over the old
/// one, so a reload never sees half a file). A file that does not parse is logged and ignored: the previous
/// registry stays in force. Changes settle for <see cref="SettleMilliseconds"/> first (editors write in steps).
/// </summary>
public sealed class RegistryWatcher : IHostedService, IDisposable
{
    private const int SettleMilliseconds = 150;

    private readonly RegistryOptions _options;
    private readonly DeviceAuthenticator _authenticator;
    private readonly ILogger<RegistryWatcher> _logger;
    private readonly Timer _settle;
    private FileSystemWatcher? _watcher;

    public RegistryWatcher(RegistryOptions options, DeviceAuthenticator authenticator, ILogger<RegistryWatcher> logger)
    {
        _options = options;
        _authenticator = authenticator;
        _logger = logger;
        _settle = new Timer(_ => Reload(), null, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>Number of successful reloads (tests wait on it).</summary>
    public int Reloads { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(_options.Path);
        _watcher = new FileSystemWatcher(Path.GetDirectoryName(full)!, Path.GetFileName(full))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        _watcher.Changed += (_, _) => Schedule();
        _watcher.Created += (_, _) => Schedule();
        _watcher.Renamed += (_, _) => Schedule();
        _watcher.EnableRaisingEvents = true;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (_watcher is not null)
        {
            _watcher.EnableRaisingEvents = false;
        }

        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _settle.Dispose();
    }

    /// <summary>Reads the file now and swaps it in; false (logged) if it cannot be read.</summary>
    public bool Reload()
    {
        try
        {
            var devices = DeviceRegistryFile.Load(_options.Path);
            _authenticator.Replace(devices);
            Reloads++;
            _logger.LogInformation("registry reloaded: {Count} devices, {Disabled} disabled", devices.Count, devices.Count(d => !d.Enabled));
            return true;
        }
        catch (Exception exception) when (exception is IOException or System.Text.Json.JsonException or UnauthorizedAccessException)
        {
            _logger.LogWarning("registry {Path} not reloaded, previous registry stays in force: {Error}", _options.Path, exception.Message);
            return false;
        }
    }

    private void Schedule() => _settle.Change(SettleMilliseconds, Timeout.Infinite);
}
