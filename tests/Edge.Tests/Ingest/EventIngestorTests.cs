using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Forwarding;
using Eldercare.Edge.Gateway.Ingest;
using Eldercare.Edge.Gateway.Metrics;
using Eldercare.Edge.Gateway.Store;
using Eldercare.Edge.Tests.Support;
using Eldercare.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Eldercare.Edge.Tests.Ingest;

[TestClass]
[TestCategory("Unit")]
public sealed class EventIngestorTests
{
    /// <summary>What production gives ingest is required: a missing part fails the wiring, it is never made up quietly.</summary>
    [TestMethod]
    [DataRow("skew")]
    [DataRow("admission")]
    [DataRow("express")]
    [DataRow("rejections")]
    public async Task Constructor_DependencyMissing_ThrowsArgumentNull(string missing)
    {
        var time = new FakeTimeProvider();
        using var directory = new TempDirectory("ingestor");
        var store = TestStores.OpenSqlite(new StoreOptions { DataDirectory = directory.Path });
        try
        {
            using var rejections = new RejectionLog(NullLogger.Instance, time, TimeSpan.FromMinutes(1));
            var skew = new ClockSkewMonitor(new IngestOptions(), NullLogger<ClockSkewMonitor>.Instance);
            var admission = new TelemetryAdmission(new IngestOptions(), time);
            var express = new AlarmExpress(1, _ => { });

            var thrown = Assert.ThrowsExactly<ArgumentNullException>(() => new EventIngestor(store, store, new GatewayMetrics(), NullLogger<EventIngestor>.Instance, time,
                missing == "skew" ? null! : skew,
                missing == "admission" ? null! : admission,
                missing == "express" ? null! : express,
                missing == "rejections" ? null! : rejections));

            Assert.AreEqual(missing, thrown.ParamName);
        }
        finally
        {
            await store.DisposeAsync();
        }
    }
}
