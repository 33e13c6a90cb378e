namespace Eldercare.Edge.Gateway.Hosting;

/// <summary>
/// One part the systemd watchdog vouches for (the store's writer, the forwarder, the broker's accept loops):
/// <see cref="Problem"/> returns null while the part is alive, else why not (logged, and the watchdog stays silent).
/// </summary>
public sealed record LivenessCheck(string Name, Func<string?> Problem);
