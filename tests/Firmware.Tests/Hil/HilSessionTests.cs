using System.Text;
using Eldercare.Firmware.Core.Hardware;
using Eldercare.Firmware.Core.Hil;
using Eldercare.Firmware.Tests.Fakes;

namespace Eldercare.Firmware.Tests.Hil;

[TestClass]
[TestCategory("Unit")]
public sealed class HilSessionTests
{
    private sealed class FixedAccelerometer : IAccelerometer
    {
        public bool TryRead(out float xG, out float yG, out float zG)
        {
            xG = 0.5f;
            yG = -1f;
            zG = 0.25f;
            return true;
        }
    }

    private sealed class HeldButton : IButton
    {
        public bool IsPressed { get; set; }
    }

    private readonly FakeClock _clock = new();
    private readonly HeldButton _realButton = new();
    private HilAccelerometer _accelerometer = null!;
    private HilGnssReceiver _gnss = null!;
    private HilButton _button = null!;
    private HilSession _session = null!;

    [TestInitialize]
    public void Setup()
    {
        _accelerometer = new HilAccelerometer(new FixedAccelerometer());
        _gnss = new HilGnssReceiver(null!);
        _button = new HilButton(_realButton, _clock);
        _session = new HilSession(_accelerometer, _gnss, _button, _clock);
    }

    [TestMethod]
    [DataRow("PING\n", "PONG")]
    [DataRow("PING\r\n", "PONG")]
    [DataRow("HIL ON\n", "OK HIL ON")]
    [DataRow("HIL OFF\n", "OK HIL OFF")]
    [DataRow("A 1 2 3\n", "ERR not_in_test_mode")]
    [DataRow("G $GPGGA,1*00\n", "ERR not_in_test_mode")]
    [DataRow("SOS 0\n", "ERR sos_out_of_range")]
    [DataRow("SOS 60001\n", "ERR sos_out_of_range")]
    [DataRow("SOS x\n", "ERR sos_not_a_number")]
    [DataRow("SOS 100 2\n", "ERR sos_extra_fields")]
    [DataRow("ping\n", "ERR unknown_command")]
    [DataRow("HIL ONX\n", "ERR unknown_command")]
    [DataRow("P\u00e9NG\n", "ERR not_ascii")]
    [DataRow("PI\0NG\n", "ERR nul")]
    [DataRow("\tPING\n", "ERR not_ascii")]
    public void Feed_Line_RepliesAsTheProtocolSays(string line, string expected)
    {
        string? reply = FeedAll(line);

        Assert.AreEqual(expected, reply);
    }

    [TestMethod]
    [DataRow("A 1 2\n", "ERR sample_needs_3_values")]
    [DataRow("A 1 2 3 4\n", "ERR sample_extra_fields")]
    [DataRow("A 1  2 3\n", "ERR sample_not_a_number")]
    [DataRow("A 1 2 -\n", "ERR sample_not_a_number")]
    [DataRow("A 32001 0 0\n", "ERR sample_out_of_range")]
    [DataRow("A 0 -32001 0\n", "ERR sample_out_of_range")]
    [DataRow("A 0 0 99999999999\n", "ERR sample_out_of_range")]
    [DataRow("A 0 0 1.5\n", "ERR sample_not_a_number")]
    [DataRow("G GPGGA\n", "ERR sentence_must_start_with_dollar")]
    public void Feed_BadSampleOrSentenceInTestMode_IsRefusedWithItsReason(string line, string expected)
    {
        FeedAll("HIL ON\n");

        string? reply = FeedAll(line);

        Assert.AreEqual(expected, reply);
        Assert.AreEqual(0, _accelerometer.SamplesAccepted);
        Assert.AreEqual(1, _session.LinesRefused);
    }

    [TestMethod]
    public void Feed_SamplesInTestMode_AreWhatTheAppReadsInMilliG()
    {
        FeedAll("HIL ON\n");

        Assert.IsNull(FeedAll("A -1000 2500 32000\n"));
        Assert.IsTrue(_accelerometer.TryRead(out float x, out float y, out float z));

        Assert.AreEqual(-1f, x);
        Assert.AreEqual(2.5f, y);
        Assert.AreEqual(32f, z);
        Assert.IsFalse(_accelerometer.TryRead(out _, out _, out _), "empty queue reads as a failed read");
        Assert.AreEqual(1, _accelerometer.ReadsEmpty);
    }

    [TestMethod]
    public void TryRead_OutsideTestMode_ReadsTheSensor()
    {
        Assert.IsTrue(_accelerometer.TryRead(out float x, out _, out _));

        Assert.AreEqual(0.5f, x);
    }

    [TestMethod]
    public void Feed_MoreSamplesThanTheQueueHolds_RefusesAndCountsTheRest()
    {
        FeedAll("HIL ON\n");
        string? last = null;
        for (int i = 0; i < HilAccelerometer.Capacity + 3; i++)
        {
            last = FeedAll("A 0 0 1000\n");
        }

        Assert.AreEqual("ERR sample_queue_full", last);
        Assert.AreEqual(HilAccelerometer.Capacity, _accelerometer.SamplesAccepted);
        Assert.AreEqual(3, _accelerometer.SamplesRefusedFull);
    }

    [TestMethod]
    public void Feed_Sentence_ReachesTheGnssReaderWithCrLf()
    {
        FeedAll("HIL ON\n");
        const string sentence = "$GNGGA,055234.200,4739.71890,N,12219.58362,W,1,14,0.9,76.5,M,-21.6,M,,*4A";

        Assert.IsNull(FeedAll("G " + sentence + "\n"));
        byte[] buffer = new byte[200];
        int read = _gnss.Read(buffer, 0, buffer.Length);

        Assert.AreEqual(sentence + "\r\n", Encoding.ASCII.GetString(buffer, 0, read));
    }

    [TestMethod]
    public void Feed_LineLongerThanTheLimit_IsRefusedWholeAndTheNextLineWorks()
    {
        string reply = FeedAll(new string('A', HilLineReader.MaximumLineBytes + 1) + "\n")!;

        Assert.AreEqual("ERR too_long", reply);
        Assert.AreEqual("PONG", FeedAll("PING\n"));
    }

    [TestMethod]
    public void Feed_Sos_HoldsTheButtonForTheGivenTime()
    {
        Assert.AreEqual("OK SOS 0", FeedAll("SOS 2500\n"));

        Assert.IsTrue(_button.IsPressed);
        _clock.Advance(2499);
        Assert.IsTrue(_button.IsPressed);
        _clock.Advance(1);
        Assert.IsFalse(_button.IsPressed);
        _realButton.IsPressed = true;
        Assert.IsTrue(_button.IsPressed, "the real line still presses");
    }

    [TestMethod]
    public void Feed_Stat_GivesTheCounters()
    {
        FeedAll("HIL ON\nA 1 1 1\nA 2 2 2\nG $GPRMC,x*00\nSOS 100\nbad\n");

        Assert.AreEqual("STAT samples=2 full=0 empty=0 refused=1 sentences=1 presses=1", FeedAll("STAT\n"));
    }

    [TestMethod]
    public void Feed_HilOff_DropsQueuedSamplesAndReadsTheSensorAgain()
    {
        FeedAll("HIL ON\nA 9 9 9\n");

        Assert.AreEqual("OK HIL OFF", FeedAll("HIL OFF\n"));

        Assert.AreEqual(0, _accelerometer.Queued);
        Assert.IsTrue(_accelerometer.TryRead(out float x, out _, out _));
        Assert.AreEqual(0.5f, x);
    }

    /// <summary>Feeds every byte; returns the last reply (null when none).</summary>
    private string? FeedAll(string text)
    {
        string? last = null;
        foreach (byte b in Encoding.UTF8.GetBytes(text))
        {
            string? reply = _session.Feed(b);
            if (reply is not null)
            {
                last = reply;
            }
        }

        return last;
    }
}
