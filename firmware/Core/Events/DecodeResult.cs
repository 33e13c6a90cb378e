namespace Eldercare.Firmware.Core.Events
{
    /// <summary>
    /// Outcome of decoding one payload: an event, or a reason code from
    /// docs/wire-format.md ("Rejections") plus a sentence an operator can read.
    /// A result, not an exception: malformed input is expected, not a bug.
    /// </summary>
    public sealed class DecodeResult
    {
        private DecodeResult(DeviceEvent deviceEvent, string reason, string detail)
        {
            Event = deviceEvent;
            Reason = reason;
            Detail = detail;
        }

        public bool Ok
        {
            get { return Event != null; }
        }

        /// <summary>The decoded event when <see cref="Ok"/>, else null.</summary>
        public DeviceEvent Event { get; private set; }

        /// <summary>Machine-readable reason code when rejected (e.g. "malformed_json"), else null.</summary>
        public string Reason { get; private set; }

        /// <summary>Human-readable explanation when rejected, else null.</summary>
        public string Detail { get; private set; }

        /// <summary>The payload as text (valid UTF-8, decoded once) when <see cref="Ok"/>, else null.</summary>
        public string Text { get; private set; }

        public static DecodeResult Success(DeviceEvent deviceEvent, string text)
        {
            DecodeResult result = new DecodeResult(deviceEvent, null, null);
            result.Text = text;
            return result;
        }

        public static DecodeResult Reject(string reason, string detail)
        {
            return new DecodeResult(null, reason, detail);
        }
    }
}
