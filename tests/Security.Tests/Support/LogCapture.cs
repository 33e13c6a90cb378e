using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Eldercare.Security.Tests.Support;

/// <summary>Keeps every log line of an in-process host ("Category: message"), so a test can check what an operator would read.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => _lines.ToList();

    public ILogger CreateLogger(string categoryName) => new CaptureLogger(categoryName, _lines);

    /// <summary>Waits for a line containing all the fragments (the rejection line is written just before the broker answers).</summary>
    public Task<string> WaitForLineAsync(TimeSpan timeout, params string[] fragments) =>
        Eldercare.TestSupport.Eventually.WaitAsync(
            () => Task.FromResult(_lines.FirstOrDefault(l => fragments.All(f => l.Contains(f, StringComparison.Ordinal)))),
            line => line is not null, timeout, $"a log line with {string.Join(", ", fragments)}")!;

    public void Dispose()
    {
    }

    private sealed class CaptureLogger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)}");
            }
        }
    }
}
