using System.Text;
using Eldercare.Firmware.Core.Gnss;
using Iot.Device.Nmea0183;
using Iot.Device.Nmea0183.Sentences;

namespace Eldercare.Firmware.Tests.Gnss;

/// <summary>
/// The core's parser on every recorded log of ../shared/datasets/gnss: what it accepts and rejects, by reason, and
/// its positions against Iot.Device.Bindings' NMEA 0183 parser (a host-only reference, never in firmware/Core).
/// Expected counts of fixes are the README's, computed there from the files with another tool.
/// </summary>
[TestClass]
[TestCategory("Unit")]
public sealed class NmeaRealLogTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    // file, GGA epochs, valid fixes (README table: "fixes (GGA)" valid / invalid; Garmin's quality-6 epoch is not a valid fix)
    [DataRow(GnssLogs.Walk, 565, 565)]
    [DataRow("gpsd/quectel-l76k-nmea.log", 150, 150)]
    [DataRow("gpsd/unicore-um621.log", 20, 16)]
    [DataRow("gpsd/beidou-bd.log", 10, 5)]
    [DataRow("gpsd/beidou-gb.log", 5, 2)]
    [DataRow("gpsd/skytraq.log", 17, 0)]
    [DataRow("gpsd/telit-he910.log", 224, 187)]
    [DataRow("gpsd/rx210.log", 61, 40)]
    [DataRow("gpsd/quectel-eg25-g.log", 60, 23)]
    [DataRow("gpsd/garmin-10x.log", 14, 9)]
    [DataRow("gpsd/haicom-305N.log", 73, 68)]
    [DataRow("gpsd/ublox-neo-m9n-nmea.log", 61, 61)]
    public void Replay_RecordedLog_EveryGgaReadNoStandardSentenceRejected(string log, int ggaEpochs, int validFixes)
    {
        Replay replay = GnssLogs.Run(log);

        NmeaStatistics s = replay.Statistics;
        TestContext.WriteLine(log + ": " + s.Describe());
        Assert.AreEqual(ggaEpochs, s.AcceptedGga, s.Describe());
        Assert.AreEqual(validFixes, replay.Fixes.Count(f => f.Fix.Sentence == GnssFix.FromGga && f.Fix.IsValid));
        Assert.AreEqual(s.TotalRejected, s.Rejected(NmeaRejectReason.BadChecksum) + s.Rejected(NmeaRejectReason.Overlong), "only proprietary lines may be damaged: " + s.Describe());
        Assert.AreEqual(CountSentenceStarts(replay), s.AcceptedGga + s.AcceptedRmc + s.Ignored + s.TotalRejected, "every sentence accounted for");
    }

    [TestMethod]
    public void Replay_Walk_BadChecksumsAreTheReadmesProprietaryLines()
    {
        // README: 1,094 bad checksums, all on $PGLOR lines; every standard sentence is valid. Those lines (and
        // 1,110 more $PGLOR) are longer than any NMEA sentence may be, so the parser drops them as overlong
        // before it reaches their checksum.
        Replay replay = GnssLogs.Run(GnssLogs.Walk);

        var pglor = replay.Lines.Where(l => Encoding.ASCII.GetString(l.Bytes).StartsWith("$PGLOR", StringComparison.Ordinal)).ToList();
        int badChecksum = pglor.Count(l => !ChecksumOk(l.Bytes));
        int damagedOrLong = pglor.Count(l => !ChecksumOk(l.Bytes) || l.Bytes.Length - 3 > Eldercare.Firmware.Core.Gnss.NmeaParser.MaxSentenceLength);

        Assert.AreEqual(1094, badChecksum);
        Assert.AreEqual(damagedOrLong, replay.Statistics.TotalRejected, replay.Statistics.Describe());
        Assert.AreEqual(565, replay.Statistics.AcceptedRmc);
    }

    [TestMethod]
    public void Replay_ColdBootGarbage_NothingThrownEveryDamageCounted()
    {
        // README: 12 NUL bytes, truncated sentences, 5 lines with two sentences run together, 32 bad checksums,
        // 12 sentences without a valid *hh, RMC dates jumping 2019 -> 2006 -> 2010 -> 1999; only 2 usable fixes.
        Replay replay = GnssLogs.Run(GnssLogs.ColdBoot);

        NmeaStatistics s = replay.Statistics;
        TestContext.WriteLine(GnssLogs.ColdBoot + ": " + s.Describe());
        Assert.AreEqual(CountSentenceStarts(replay), s.AcceptedGga + s.AcceptedRmc + s.Ignored + s.TotalRejected, s.Describe());
        int damaged = s.TotalRejected - s.Rejected(NmeaRejectReason.TimeJump);
        Assert.IsGreaterThanOrEqualTo(32 + 12, damaged, "32 bad checksums and 12 sentences without a valid *hh at least: " + s.Describe());
        Assert.IsGreaterThanOrEqualTo(5, s.Rejected(NmeaRejectReason.Truncated), s.Describe());
        Assert.IsGreaterThan(0, s.Rejected(NmeaRejectReason.TimeJump), s.Describe());
        Assert.IsLessThanOrEqualTo(2, replay.Fixes.Count(f => f.Fix.Sentence == GnssFix.FromGga && f.Fix.IsValid));
    }

    [TestMethod]
    [DataRow(GnssLogs.Walk)]
    [DataRow("gpsd/quectel-l76k-nmea.log")]
    [DataRow("gpsd/unicore-um621.log")]
    [DataRow("gpsd/beidou-bd.log")]
    [DataRow("gpsd/beidou-gb.log")]
    [DataRow("gpsd/skytraq.log")]
    [DataRow("gpsd/telit-he910.log")]
    [DataRow("gpsd/rx210.log")]
    [DataRow("gpsd/quectel-eg25-g.log")]
    [DataRow("gpsd/garmin-10x.log")]
    [DataRow("gpsd/haicom-305N.log")]
    [DataRow("gpsd/ublox-neo-m9n-nmea.log")]
    [DataRow(GnssLogs.ColdBoot)]
    public void Replay_RecordedLog_PositionsMatchIotDeviceBindings(string log)
    {
        Replay replay = GnssLogs.Run(log);
        var ours = replay.Fixes.Where(f => f.Fix.HasPosition).ToDictionary(f => (f.Line, f.Fix.Sentence), f => f.Fix);

        int compared = 0, onlyReference = 0, refusedByDesign = 0;
        double maxMetres = 0;
        for (int i = 0; i < replay.Lines.Count; i++)
        {
            (int Sentence, double Latitude, double Longitude)? reference = ReferencePosition(replay.Lines[i].Bytes);
            if (reference is null)
            {
                continue;
            }

            if (!ours.TryGetValue((i, reference.Value.Sentence), out GnssFix? fix))
            {
                // The reference does not check times against a clock: a sentence the core refused for a time jump
                // (the cold-boot file's wrong dates) is a disagreement by design; any other is a failure.
                onlyReference += replay.RefusedForContent.Contains(i) ? 0 : 1;
                refusedByDesign += replay.RefusedForContent.Contains(i) ? 1 : 0;
                continue;
            }

            compared++;
            double metres = GnssLogs.HaversineMetres(reference.Value.Latitude, reference.Value.Longitude, fix.LatitudeE7 * 1e-7, fix.LongitudeE7 * 1e-7);
            maxMetres = Math.Max(maxMetres, metres);
        }

        TestContext.WriteLine(log + ": " + compared + " positions compared, max difference " + maxMetres.ToString("0.0000") + " m, "
            + onlyReference + " read only by the reference, " + refusedByDesign + " refused by the core's time/coordinate checks, " + ours.Count + " positions by the core");
        Assert.IsGreaterThan(0, compared + (log.Contains("skytraq", StringComparison.Ordinal) ? 1 : 0));
        Assert.IsLessThan(0.01, maxMetres, "1e-7 degree is 1.1 cm: the two parsers must agree to rounding");
        Assert.AreEqual(0, onlyReference, "the reference read a position the core dropped");
    }

    /// <summary>GGA or RMC position as Iot.Device.Bindings reads the line; null when it does not, or reads no position.</summary>
    private static (int, double, double)? ReferencePosition(byte[] line)
    {
        string text = Encoding.Latin1.GetString(line).Trim('\r', '\n', ' ');
        if (!text.StartsWith('$') || text.IndexOf('$', 1) >= 0)
        {
            return null;
        }

        TalkerSentence? sentence = TalkerSentence.FromSentenceString(text, out NmeaError error);
        if (sentence is null || error != NmeaError.None)
        {
            return null;
        }

        DateTimeOffset time = DateTimeOffset.UnixEpoch;
        NmeaSentence? typed = sentence.TryGetTypedValue(ref time);
        if (typed is GlobalPositioningSystemFixData gga && gga.LatitudeDegrees is double latitude && gga.LongitudeDegrees is double longitude)
        {
            return (GnssFix.FromGga, latitude, longitude);
        }

        if (typed is RecommendedMinimumNavigationInformation rmc && rmc.Position is not null && rmc.Valid)
        {
            return (GnssFix.FromRmc, rmc.Position.Latitude, rmc.Position.Longitude);
        }

        return null;
    }

    private static int CountSentenceStarts(Replay replay) => replay.Lines.Sum(l => l.Bytes.Count(b => b == '$'));

    private static bool ChecksumOk(byte[] line)
    {
        string text = Encoding.Latin1.GetString(line).TrimEnd('\r', '\n');
        int star = text.IndexOf('*');
        if (!text.StartsWith('$') || star < 0 || star + 3 != text.Length)
        {
            return false;
        }

        int sum = 0;
        for (int i = 1; i < star; i++)
        {
            sum ^= text[i];
        }

        return text.Substring(star + 1) == sum.ToString("X2", System.Globalization.CultureInfo.InvariantCulture);
    }
}
