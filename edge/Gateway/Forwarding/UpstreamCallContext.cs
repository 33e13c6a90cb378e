namespace Eldercare.Edge.Gateway.Forwarding;

/// <summary>
/// Tells an upstream whether its caller runs on a thread of its own (an alarm stream's), where blocking I/O is the fast
/// path. It flows with the caller's async flow (an <see cref="AsyncLocal{T}"/>), not with the thread: a continuation of
/// another stream that the runtime happens to run on that thread (a synchronous HTTP request completing an asynchronous
/// one's wait for the connection, seen in a stack dump) keeps its own flow and stays asynchronous. Deciding by the
/// thread (<see cref="Thread.IsThreadPoolThread"/>) made such a telemetry continuation block the alarm thread.
/// </summary>
public static class UpstreamCallContext
{
    private static readonly AsyncLocal<bool> OwnsThread = new();

    /// <summary>True when the current flow runs on a thread of its own and may block it.</summary>
    public static bool CallerOwnsThread => OwnsThread.Value;

    /// <summary>Marks the current async flow (from here down) as running on a thread of its own.</summary>
    public static void MarkCallerOwnsThread() => OwnsThread.Value = true;
}
