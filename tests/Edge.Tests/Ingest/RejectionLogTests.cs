using Eldercare.Edge.Gateway.Ingest;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Eldercare.Edge.Tests.Ingest;

[TestClass]
[TestCategory("Unit")]
public sealed class RejectionLogTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-02T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly ListLogger _logger = new();

    [TestMethod]
    public void Write_FloodFromOneAddress_FirstLinesThenOneSummaryAtWindowEnd()
    {
        using var log = new RejectionLog(_logger, _time, TimeSpan.FromSeconds(10));

        for (var port = 1000; port < 1500; port++)
        {
            log.Write($"10.0.0.7:{port}", "protocol_error", "first packet is not CONNECT");
        }

        Assert.HasCount(RejectionLog.DefaultLinesPerWindow, _logger.Lines);
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.HasCount(RejectionLog.DefaultLinesPerWindow + 1, _logger.Lines, "the timer wrote the summary");
        StringAssert.Contains(_logger.Lines[^1], "rejected 10.0.0.7 protocol_error: 495 more in 10 s");
    }

    [TestMethod]
    public void Write_OtherSourceOrReason_OwnAllowance()
    {
        using var log = new RejectionLog(_logger, _time, TimeSpan.FromSeconds(10));
        for (var i = 0; i < 20; i++)
        {
            log.Write("10.0.0.7:1", "protocol_error", "x");
        }

        log.Write("10.0.0.8:1", "protocol_error", "x");
        log.Write("10.0.0.7:2", "packet_too_large", "x");
        log.Write("pendant-0001", "bad_field", "x");

        Assert.AreEqual(RejectionLog.DefaultLinesPerWindow + 3, _logger.Lines.Count);
    }

    [TestMethod]
    public void Write_NextWindow_WritesAgainAfterTheSummary()
    {
        using var log = new RejectionLog(_logger, _time, TimeSpan.FromSeconds(10));
        for (var i = 0; i < 7; i++)
        {
            log.Write("pendant-0001", "bad_field", "x");
        }

        _time.Advance(TimeSpan.FromSeconds(10));
        log.Write("pendant-0001", "bad_field", "again");

        Assert.AreEqual(RejectionLog.DefaultLinesPerWindow + 2, _logger.Lines.Count);
        StringAssert.Contains(_logger.Lines[^2], "2 more in 10 s");
        StringAssert.EndsWith(_logger.Lines[^1], "again");
    }

    [TestMethod]
    public void Write_ControlCharactersAndHugeStrings_EscapedAndCapped()
    {
        using var log = new RejectionLog(_logger, _time, TimeSpan.FromSeconds(10));

        log.Write("\r\u001b[2Kroot\0\a", "unknown_device", "topic 'a\nb'");
        log.Write(new string('u', 16_000), "unknown_device", new string('d', 16_000));

        Assert.AreEqual(@"rejected \u000d\u001b[2Kroot\u0000\u0007 unknown_device: topic 'a\u000ab'", _logger.Lines[0]);
        Assert.IsLessThan(500, _logger.Lines[1].Length, _logger.Lines[1]);
        Assert.IsTrue(_logger.Lines.All(l => l.All(c => c >= ' ')), "no control character reaches a line");
    }

    private sealed class ListLogger : ILogger
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Lines)
            {
                Lines.Add(formatter(state, exception));
            }
        }
    }
}
