using Eldercare.Firmware.Core.Hardware;

namespace Eldercare.Firmware.Core.Hil
{
    /// <summary>
    /// The device side of the HIL serial protocol (firmware/README.md, "HIL serial protocol"): takes the link's bytes,
    /// runs each line's command on the HIL adapters and returns the reply line to send back, if any. Samples and
    /// sentences are not answered (50 lines a second); a refused one is answered with <c>ERR reason</c>.
    /// </summary>
    public sealed class HilSession
    {
        private readonly HilLineReader _reader = new HilLineReader();
        private readonly HilCommand _command = new HilCommand();
        private readonly HilAccelerometer _accelerometer;
        private readonly HilGnssReceiver _gnss;
        private readonly HilButton _button;
        private readonly IClock _clock;

        /// <summary>The adapters the app was wired with; <paramref name="gnss"/> may be null (a pendant has none).</summary>
        public HilSession(HilAccelerometer accelerometer, HilGnssReceiver gnss, HilButton button, IClock clock)
        {
            _accelerometer = accelerometer;
            _gnss = gnss;
            _button = button;
            _clock = clock;
        }

        public bool TestMode { get; private set; }

        public int LinesRefused { get; private set; }

        /// <summary>Takes one byte from the link; returns a reply line (without LF) when one is due, else null.</summary>
        public string Feed(byte b)
        {
            int state = _reader.Feed(b);
            if (state == HilLineReader.Pending)
            {
                return null;
            }

            if (state == HilLineReader.LineRejected)
            {
                LinesRefused++;
                return "ERR " + _reader.RejectReason;
            }

            if (_reader.Length == 0)
            {
                return null;
            }

            string problem = HilCommandParser.Parse(_reader.Line, _reader.Length, _command);
            if (problem != null)
            {
                LinesRefused++;
                return "ERR " + problem;
            }

            return Run(_command);
        }

        private string Run(HilCommand command)
        {
            switch (command.Kind)
            {
                case HilCommandKinds.Ping:
                    return "PONG";
                case HilCommandKinds.TestModeOn:
                    SetTestMode(true);
                    return "OK HIL ON";
                case HilCommandKinds.TestModeOff:
                    SetTestMode(false);
                    return "OK HIL OFF";
                case HilCommandKinds.Sos:
                    _button.Hold(command.HoldMilliseconds);
                    return "OK SOS " + _clock.UptimeMilliseconds.ToString();
                case HilCommandKinds.Status:
                    return Status();
                case HilCommandKinds.Sample:
                    if (!TestMode)
                    {
                        LinesRefused++;
                        return "ERR not_in_test_mode";
                    }

                    if (!_accelerometer.Offer(command.XMilliG, command.YMilliG, command.ZMilliG))
                    {
                        return "ERR sample_queue_full";
                    }

                    return null;
                case HilCommandKinds.Sentence:
                    if (!TestMode)
                    {
                        LinesRefused++;
                        return "ERR not_in_test_mode";
                    }

                    if (_gnss == null)
                    {
                        LinesRefused++;
                        return "ERR no_gnss";
                    }

                    if (!_gnss.Offer(command.Sentence, command.SentenceLength))
                    {
                        return "ERR sentence_queue_full";
                    }

                    return null;
                default:
                    return "ERR unknown_command";
            }
        }

        private void SetTestMode(bool on)
        {
            TestMode = on;
            _accelerometer.TestMode = on;
            if (_gnss != null)
            {
                _gnss.TestMode = on;
            }
        }

        private string Status()
        {
            string samples = "STAT samples=" + _accelerometer.SamplesAccepted.ToString() + " full=" + _accelerometer.SamplesRefusedFull.ToString();
            string empty = " empty=" + _accelerometer.ReadsEmpty.ToString() + " refused=" + LinesRefused.ToString();
            string gnss = _gnss == null ? " sentences=0" : " sentences=" + _gnss.SentencesAccepted.ToString();
            string presses = " presses=" + _button.Presses.ToString();
            return samples + empty + gnss + presses;
        }
    }
}
