using System.Text;
using Eldercare.Firmware.Core.Gnss;

namespace Eldercare.Firmware.Tests.Gnss;

[TestClass]
[TestCategory("Unit")]
public sealed class NmeaParserTests
{
    [TestMethod]
    // Real sentences from ../shared/datasets/gnss (quectel-l76k, haicom-305N, unicore-um621, ublox-neo-m9n).
    [DataRow("$GNGGA,055234.200,4739.71890,N,12219.58362,W,1,14,0.9,76.5,M,-21.6,M,,*4A\r\n", 476619817, -1223263937, 14, 90, 21154200)]
    [DataRow("$GNGGA,000653.00,4404.12994,N,12118.84613,W,1,29,0.69,1109.2,M,,M,,*71\r\n", 440688323, -1213141022, 29, 69, 413000)]
    [DataRow("$GNGGA,000654.00,4404.12993,N,12118.84616,W,1,29,0.63,1109.3,M,,M,,*7F\n", 440688322, -1213141027, 29, 63, 414000)]
    public void Feed_RealGga_DecodesFix(string sentence, int latitudeE7, int longitudeE7, int satellites, int hdopHundredths, int timeMilliseconds)
    {
        var parser = new NmeaParser();

        List<GnssFix> fixes = Nmea.Feed(parser, sentence);

        GnssFix fix = fixes.Single();
        Assert.AreEqual(GnssFix.FromGga, fix.Sentence);
        Assert.IsTrue(fix.IsValid);
        Assert.AreEqual(latitudeE7, fix.LatitudeE7);
        Assert.AreEqual(longitudeE7, fix.LongitudeE7);
        Assert.AreEqual(satellites, fix.Satellites);
        Assert.AreEqual(hdopHundredths, fix.HdopHundredths);
        Assert.AreEqual(timeMilliseconds, fix.UtcTimeOfDayMilliseconds);
        Assert.AreEqual(1, parser.Statistics.AcceptedGga);
        Assert.AreEqual(0, parser.Statistics.TotalRejected);
    }

    [TestMethod]
    [DataRow("$GNRMC,223745.00,A,3806.62964,N,12237.61382,W,0.040,,110720,,,D,V*0E\r\n", true, 381104940, -1226268970, 2020, 7, 11)]
    [DataRow("$GPRMC,095307.801,A,2712.6486,S,15303.1293,E,1.73,279.46,080407,,,A*75\n", true, -272108100, 1530521550, 2007, 4, 8)]
    // Garmin indoors: status V and mode E (dead reckoning) still carrying a position: not a fix.
    [DataRow("$GPRMC,165010.000,V,4143.6057,N,08338.0788,W,0.60,231.03,180710,,,E*67\r\n", false, 417267617, -836346467, 2010, 7, 18)]
    public void Feed_RealRmc_DecodesStatusPositionAndDate(string sentence, bool valid, int latitudeE7, int longitudeE7, int year, int month, int day)
    {
        var parser = new NmeaParser();

        GnssFix fix = Nmea.Feed(parser, sentence).Single();

        Assert.AreEqual(GnssFix.FromRmc, fix.Sentence);
        Assert.AreEqual(valid, fix.IsValid);
        Assert.AreEqual(latitudeE7, fix.LatitudeE7);
        Assert.AreEqual(longitudeE7, fix.LongitudeE7);
        Assert.AreEqual((int)(new DateTime(year, month, day) - DateTime.UnixEpoch).TotalDays, fix.UtcDays);
        Assert.AreEqual(GnssFix.Unknown, fix.Satellites);
    }

    [TestMethod]
    // Quality 0 with "null island" (SkyTraq cold start), quality 0 without position (u-blox acquiring),
    // quality 6 dead reckoning with 0 satellites (Garmin indoors), quality 0 with a remembered position (Unicore).
    [DataRow("$GPGGA,212406.000,0000.0000000,N,00000.0000000,E,0,00,0.0,0.000,M,0.000,M,,0000*6E\r\n", true)]
    [DataRow("$GNGGA,184041.00,,,,,0,04,28.92,,,,,,*75\r\n", false)]
    [DataRow("$GPGGA,165010.000,4143.6057,N,08338.0788,W,6,00,50.0,203.8,M,-33.7,M,,0000*5D\r\n", true)]
    [DataRow("$GNGGA,000706.00,4404.12938,N,12118.84590,W,0,00,99.99,1108.8,M,,M,,*40\r\n", true)]
    [DataRow("$GPGGA,,,,,,0,,,,M,,M,,*66\n", false)]
    public void Feed_NoFixGga_AcceptedButNotValid(string sentence, bool hasPosition)
    {
        var parser = new NmeaParser();

        GnssFix fix = Nmea.Feed(parser, sentence).Single();

        Assert.IsFalse(fix.IsValid);
        Assert.AreEqual(hasPosition, fix.HasPosition);
        Assert.AreEqual(0, parser.Statistics.TotalRejected);
    }

    [TestMethod]
    [DataRow("GP")]
    [DataRow("GN")]
    [DataRow("GL")]
    [DataRow("GA")]
    [DataRow("GB")]
    [DataRow("BD")]
    public void Feed_AnyTalker_DecodesGgaAndRmc(string talker)
    {
        var parser = new NmeaParser();
        string text = Nmea.WithChecksum(talker + "GGA,074159.799,3114.8943,N,12135.2444,E,1,07,1.1,14.2,M,8.0,M,,0000")
            + Nmea.WithChecksum(talker + "RMC,074159.799,A,3114.8943,N,12135.2444,E,0.23,4.94,250215,,,A");

        List<GnssFix> fixes = Nmea.Feed(parser, text);

        Assert.HasCount(2, fixes);
        Assert.IsTrue(fixes.All(f => f.IsValid && f.LatitudeE7 == 312482383 && f.LongitudeE7 == 1215874067));
        Assert.AreEqual((talker[0] << 8) | talker[1], fixes[0].Talker);
    }

    [TestMethod]
    [DataRow("$GNGGA,055234.200,4739.71890,N,12219.58362,W,1,14,0.9,76.5,M,-21.6,M,,*4B\r\n", NmeaRejectReason.BadChecksum)]
    [DataRow("$GNGGA,055234.200,4739.71890,N,12219.58362,W,1,14,0.9,76.5,M,-21.6,M,,\r\n", NmeaRejectReason.NoChecksum)]
    [DataRow("$GNGGA,055234.200,4739.71890,N,122\r\n", NmeaRejectReason.NoChecksum)]
    [DataRow("$GNGGA,055234.200,4739.71890,N,12219.58362,W,1,14,0.9,76.5,M,-21.6,M,,*4\r\n", NmeaRejectReason.Truncated)]
    [DataRow("$GNGGA,055234.200,4739.71890,N,12219.58362,W,1,14,0.9,76.5,M,-21.6,M,,*4X\r\n", NmeaRejectReason.Truncated)]
    [DataRow("$GNGGA,055234.200,4739.7$GNGGA,055234.200,4739.71890,N,12219.58362,W,1,14,0.9,76.5,M,-21.6,M,,*4A\r\n", NmeaRejectReason.Truncated)]
    [DataRow("$GNGGA,055234.200,4739.71890,N,12219.58362,W,1,14,0.9,76.5,M,-21.6\0,M,,*4A\r\n", NmeaRejectReason.BadCharacter)]
    [DataRow("$GNGGA,055234.200,4739.71890,N,12219.58362,W,1,14,0.9,76.5,M,-21.6\u00ff,M,,*4A\r\n", NmeaRejectReason.BadCharacter)]
    public void Feed_DamagedSentence_RejectedWithReason(string text, int reason)
    {
        var parser = new NmeaParser();

        List<GnssFix> fixes = Nmea.Feed(parser, text);

        Assert.AreEqual(1, parser.Statistics.Rejected(reason), parser.Statistics.Describe());
        int accepted = fixes.Count;
        Assert.AreEqual(parser.Statistics.AcceptedGga, accepted);
        Assert.IsTrue(reason == NmeaRejectReason.Truncated && text.Count(c => c == '$') == 2 ? accepted == 1 : accepted == 0, "the intact sentence after a cut one must still be read");
    }

    [TestMethod]
    [DataRow("GNGGA,055234.200,4739.71890,X,12219.58362,W,1,14,0.9,76.5,M,-21.6,M,,", NmeaRejectReason.BadField)]
    [DataRow("GNGGA,055234.200,4739.71890,N,,,1,14,0.9,76.5,M,-21.6,M,,", NmeaRejectReason.BadField)]
    [DataRow("GNGGA,055234.200,4739.7a890,N,12219.58362,W,1,14,0.9,76.5,M,-21.6,M,,", NmeaRejectReason.BadField)]
    [DataRow("GNGGA,255234.200,4739.71890,N,12219.58362,W,1,14,0.9,76.5,M,-21.6,M,,", NmeaRejectReason.BadField)]
    [DataRow("GNGGA,055234.200,4739.71890,N,12219.58362,W,X,14,0.9,76.5,M,-21.6,M,,", NmeaRejectReason.BadField)]
    [DataRow("GNGGA,055234.200,4739.71890,N,12219.58362,W,1,1a,0.9", NmeaRejectReason.BadField)]
    [DataRow("GNGGA,055234.200,4739.71890,N", NmeaRejectReason.BadField)]
    [DataRow("GNRMC,055234.200,X,4739.71890,N,12219.58362,W,0.0,,050826,,,A", NmeaRejectReason.BadField)]
    [DataRow("GNRMC,055234.200,A,4739.71890,N,12219.58362,W,0.0,,051326,,,A", NmeaRejectReason.BadField)]
    [DataRow("GNGGA,055234.200,9139.71890,N,12219.58362,W,1,14,0.9,76.5,M,-21.6,M,,", NmeaRejectReason.BadCoordinate)]
    [DataRow("GNGGA,055234.200,4760.00000,N,12219.58362,W,1,14,0.9,76.5,M,-21.6,M,,", NmeaRejectReason.BadCoordinate)]
    [DataRow("GNGGA,055234.200,4739.71890,N,18119.58362,W,1,14,0.9,76.5,M,-21.6,M,,", NmeaRejectReason.BadCoordinate)]
    [DataRow("GNGGA,055234.200,0000.0000,N,00000.0000,E,1,14,0.9,76.5,M,-21.6,M,,", NmeaRejectReason.BadCoordinate)]
    [DataRow("GNRMC,055234.200,A,0000.0000,N,00000.0000,E,0.0,,050826,,,A", NmeaRejectReason.BadCoordinate)]
    public void Feed_AbsurdContentWithGoodChecksum_RejectedWithReason(string body, int reason)
    {
        var parser = new NmeaParser();

        List<GnssFix> fixes = Nmea.Feed(parser, Nmea.WithChecksum(body));

        Assert.IsEmpty(fixes);
        Assert.AreEqual(1, parser.Statistics.Rejected(reason), parser.Statistics.Describe());
        Assert.AreEqual(1, parser.Statistics.TotalRejected);
    }

    [TestMethod]
    public void Feed_LineWithoutEnd_RejectedAsOverlongOnceThenRecovers()
    {
        var parser = new NmeaParser();
        string noise = "$GPGSV," + new string('7', 500);

        List<GnssFix> fixes = Nmea.Feed(parser, noise + "\r\n" + Nmea.Gga(37.4265, -122.1737, 100));

        Assert.HasCount(1, fixes);
        Assert.AreEqual(1, parser.Statistics.Rejected(NmeaRejectReason.Overlong));
    }

    [TestMethod]
    public void Feed_BinaryNoiseBetweenSentences_CountedAndSentencesStillRead()
    {
        var parser = new NmeaParser();
        var random = new Random(13);
        var bytes = new List<byte>();
        for (int second = 0; second < 50; second++)
        {
            byte[] noise = new byte[random.Next(0, 40)];
            random.NextBytes(noise);
            for (int i = 0; i < noise.Length; i++)
            {
                if (noise[i] == '$')
                {
                    noise[i] = 0;
                }
            }

            bytes.AddRange(noise);
            bytes.AddRange(Encoding.ASCII.GetBytes("\r\n" + Nmea.Gga(37.4265, -122.1737, second)));
        }

        // Paced one sentence per second of uptime, as the time guard compares the UTC time with the device clock.
        var fixes = new List<GnssFix>();
        int at = 0;
        long uptime = 0;
        foreach (byte b in bytes)
        {
            if (b == '$' && at++ > 0)
            {
                uptime += 1000;
            }

            if (parser.Feed(b, uptime))
            {
                fixes.Add(parser.Fix);
            }
        }

        Assert.HasCount(50, fixes);
        Assert.IsGreaterThan(0, parser.Statistics.NoiseBytes);
    }

    [TestMethod]
    public void Feed_OneByteAtATimeOrAllAtOnce_SameFixes()
    {
        string text = Nmea.Gga(31.2482, 121.5874, 10) + "$GPGSV,3,1,12,01,02,03*00\r\n" + Nmea.Gga(31.2483, 121.5875, 10);
        var whole = new NmeaParser();
        var split = new NmeaParser();

        List<GnssFix> a = Nmea.Feed(whole, text);
        var b = new List<GnssFix>();
        foreach (char c in text)
        {
            b.AddRange(Nmea.Feed(split, c.ToString()));
        }

        Assert.HasCount(2, a);
        CollectionAssert.AreEqual(a.Select(f => f.LatitudeE7).ToList(), b.Select(f => f.LatitudeE7).ToList());
        Assert.AreEqual(whole.Statistics.Describe(), split.Statistics.Describe());
    }

    [TestMethod]
    [DataRow(1, 0, true)]     // next second, one second later: fine
    [DataRow(0, 0, true)]     // GGA and RMC of the same epoch share a time
    [DataRow(-10, 1, false)]  // ten seconds back in time
    [DataRow(-1, 0, true)]    // a first fix's time corrected by a second (within the UART tolerance)
    [DataRow(3600, 1, false)] // an hour ahead after one second
    [DataRow(30, 30, true)]   // a 30 s fix gap, 30 s of uptime
    public void Feed_TimeAgainstUptime_JumpRejected(int secondsLater, int uptimeSecondsLater, bool accepted)
    {
        var parser = new NmeaParser();
        Nmea.Feed(parser, Nmea.Gga(37.4265, -122.1737, 43200), 5000);

        List<GnssFix> fixes = Nmea.Feed(parser, Nmea.Gga(37.4265, -122.1737, 43200 + secondsLater), 5000 + (uptimeSecondsLater * 1000L));

        Assert.AreEqual(accepted ? 1 : 0, fixes.Count);
        Assert.AreEqual(accepted ? 0 : 1, parser.Statistics.Rejected(NmeaRejectReason.TimeJump));
    }

    [TestMethod]
    [DataRow(2, 2, true)]
    [DataRow(-3600, 2, false)]
    public void Feed_TimeOverMidnight_RollsOver(int secondsLater, int uptimeSecondsLater, bool accepted)
    {
        var parser = new NmeaParser();
        Nmea.Feed(parser, Nmea.Gga(37.4265, -122.1737, 86399), 0);

        List<GnssFix> fixes = Nmea.Feed(parser, Nmea.Gga(37.4265, -122.1737, (86399 + secondsLater) % 86400), uptimeSecondsLater * 1000L);

        Assert.AreEqual(accepted ? 1 : 0, fixes.Count);
    }

    [TestMethod]
    public void Feed_DateJumpsYearsBack_RejectedUntilTheNewClockHolds()
    {
        // The recorded GPS-320FW restart: RMC dates 2019-04-07 then 2006-12-16.
        var parser = new NmeaParser();
        const string before = "GPRMC,120000.000,A,4807.038,N,01131.000,E,0.0,0.0,070419,,,A";
        Nmea.Feed(parser, Nmea.WithChecksum(before), 0);

        int glitch = Nmea.Feed(parser, Nmea.WithChecksum("GPRMC,120001.000,A,4807.038,N,01131.000,E,0.0,0.0,161206,,,A"), 1000).Count;
        int holds = Nmea.Feed(parser, Nmea.WithChecksum("GPRMC,120002.000,A,4807.038,N,01131.000,E,0.0,0.0,161206,,,A"), 2000).Count;

        Assert.AreEqual(0, glitch);
        Assert.AreEqual(1, holds, "a receiver that really changed its clock is followed after one refused sentence");
        Assert.AreEqual(1, parser.Statistics.Rejected(NmeaRejectReason.TimeJump));
    }

    [TestMethod]
    public void Feed_SentenceWithManyFields_DoesNotThrow()
    {
        var parser = new NmeaParser();

        Nmea.Feed(parser, Nmea.WithChecksum("GNGGA" + new string(',', 40)) + Nmea.WithChecksum("PGLOR" + new string(',', 80)));

        Assert.AreEqual(2, parser.Statistics.TotalRejected + parser.Statistics.Ignored, parser.Statistics.Describe());
    }

    [TestMethod]
    public void Feed_OtherSentencesAndProprietary_IgnoredNotRejected()
    {
        var parser = new NmeaParser();

        Nmea.Feed(parser, Nmea.WithChecksum("GPGSV,3,1,12,01,40,083,46") + Nmea.WithChecksum("PGLOR,1,FIX,1.0,1.0") + Nmea.WithChecksum("GNVTG,,T,,M,0.0,N,0.0,K,A"));

        Assert.AreEqual(3, parser.Statistics.Ignored);
        Assert.AreEqual(0, parser.Statistics.TotalRejected);
    }

    [TestMethod]
    public void Feed_RandomBytes_NeverThrowsAndAccountsForEverySentenceStart()
    {
        var random = new Random(2026);
        for (int round = 0; round < 200; round++)
        {
            var parser = new NmeaParser();
            byte[] bytes = new byte[random.Next(1, 2000)];
            random.NextBytes(bytes);
            for (int i = 0; i < bytes.Length; i += random.Next(1, 60))
            {
                bytes[i] = (byte)"$*,\r\n"[random.Next(5)];
            }

            Nmea.Feed(parser, bytes, round);
            Nmea.Feed(parser, "\n");

            int starts = bytes.Count(b => b == '$');
            NmeaStatistics s = parser.Statistics;
            Assert.AreEqual(starts, s.AcceptedGga + s.AcceptedRmc + s.Ignored + s.TotalRejected, s.Describe());
        }
    }
}
