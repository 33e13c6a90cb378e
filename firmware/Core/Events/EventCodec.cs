using System.Text;

namespace Eldercare.Firmware.Core.Events
{
    // Size (~650 lines): one job, wire format v1 both ways. nanoFramework has no JSON library for the subset the core
    // runs on, so the encoder, the strict decoder (every rejection with its reason) and the field rules are hand-written
    // here, one field table that encode, decode and the rules must agree on (21 fields since the kiosk, position, battery,
    // gateway and heartbeat-period fields): splitting it by field group would spread that table over files; the byte-level reader is FlatJsonReader, numbers NumberParser, UTF-8 checks Utf8, the position fields PositionFields.
    /// <summary>
    /// Wire format v1 (docs/wire-format.md): one flat UTF-8 JSON object per event.
    /// The device encodes with it and the gateway decodes with the same source, so the
    /// two cannot drift apart. Decoding never throws on bad input; it returns a reason.
    /// </summary>
    public static class EventCodec
    {
        public const int MaxPayloadBytes = 1024;
        public const int MaxInfoLength = 200;
        public const int MaxDeviceIdLength = 32;

        /// <summary>Year 2286: anything later is not a clock, it is garbage.</summary>
        public const long MaxTimestampUnixMilliseconds = 9999999999999;

        private const int FieldV = 1;
        private const int FieldId = 2;
        private const int FieldDev = 4;
        private const int FieldBoot = 8;
        private const int FieldSeq = 16;
        private const int FieldType = 32;
        private const int FieldTs = 64;
        private const int FieldBat = 128;
        private const int FieldConf = 256;
        private const int FieldRef = 512;
        private const int FieldInfo = 1024;
        private const int FieldCard = 2048;
        private const int FieldSvc = 4096;
        private const int FieldLat = 8192;
        private const int FieldLon = 16384;
        private const int FieldHdop = 32768;
        private const int FieldSats = 65536;
        private const int FieldRssi = 131072;
        private const int FieldFw = 262144;
        private const int FieldSubj = 524288;
        private const int FieldHbs = 1048576;
        private const int Required = FieldV | FieldId | FieldDev | FieldBoot | FieldSeq | FieldType | FieldTs;

        public static byte[] Encode(DeviceEvent e)
        {
            return Utf8.GetBytes(EncodeToString(e));
        }

        public static string EncodeToString(DeviceEvent e)
        {
            StringBuilder b = new StringBuilder(160);
            b.Append("{\"v\":");
            b.Append(e.Version.ToString());
            b.Append(",\"id\":");
            AppendString(b, e.Id);
            b.Append(",\"dev\":");
            AppendString(b, e.DeviceId);
            b.Append(",\"boot\":");
            b.Append(e.BootEpoch.ToString());
            b.Append(",\"seq\":");
            b.Append(e.Sequence.ToString());
            b.Append(",\"type\":");
            AppendString(b, e.Type);
            b.Append(",\"ts\":");
            b.Append(e.TimestampUnixMilliseconds.ToString());
            if (e.BatteryPercent != DeviceEvent.Absent)
            {
                b.Append(",\"bat\":");
                b.Append(e.BatteryPercent.ToString());
            }

            if (e.ConfidencePerMille != DeviceEvent.Absent)
            {
                b.Append(",\"conf\":");
                AppendPerMille(b, e.ConfidencePerMille);
            }

            if (e.ReferenceSequence != DeviceEvent.Absent)
            {
                b.Append(",\"ref\":");
                b.Append(e.ReferenceSequence.ToString());
            }

            if (e.Info != null)
            {
                b.Append(",\"info\":");
                AppendString(b, e.Info);
            }

            if (e.Card != null)
            {
                b.Append(",\"card\":");
                AppendString(b, e.Card);
            }

            if (e.Service != null)
            {
                b.Append(",\"svc\":");
                AppendString(b, e.Service);
            }

            if (e.Subject != null)
            {
                b.Append(",\"subj\":");
                AppendString(b, e.Subject);
            }

            PositionFields.Append(b, e);
            HeartbeatFields.Append(b, e);
            b.Append('}');
            return b.ToString();
        }

        public static DecodeResult Decode(byte[] payload)
        {
            if (payload == null)
            {
                return DecodeResult.Reject(RejectReasons.MalformedJson, "empty payload");
            }

            return Decode(payload, payload.Length);
        }

        public static DecodeResult Decode(byte[] payload, int length)
        {
            if (length > MaxPayloadBytes)
            {
                return DecodeResult.Reject(RejectReasons.TooLarge, "payload is " + length.ToString() + " bytes, limit " + MaxPayloadBytes.ToString());
            }

            if (length == 0)
            {
                return DecodeResult.Reject(RejectReasons.MalformedJson, "empty payload");
            }

            if (!Utf8.IsValid(payload, length))
            {
                return DecodeResult.Reject(RejectReasons.MalformedJson, "payload is not valid UTF-8");
            }

            return DecodeText(Utf8.GetString(payload, length));
        }

        private static DecodeResult DecodeText(string text)
        {
            FlatJsonReader reader = new FlatJsonReader(text);
            if (!reader.BeginObject())
            {
                return DecodeResult.Reject(RejectReasons.MalformedJson, reader.Error);
            }

            int seen = 0;
            long version = 0, boot = 0, seq = 0, ts = 0, bat = DeviceEvent.Absent, reference = DeviceEvent.Absent;
            long latitude = DeviceEvent.NoCoordinate, longitude = DeviceEvent.NoCoordinate, hdop = DeviceEvent.Absent, satellites = DeviceEvent.Absent;
            long signal = DeviceEvent.NoSignal, period = DeviceEvent.Absent;
            int confidence = DeviceEvent.Absent;
            string id = null, dev = null, type = null, info = null, card = null, svc = null, fw = null, subj = null;
            while (true)
            {
                string key;
                int step = reader.NextMember(out key);
                if (step < 0)
                {
                    return DecodeResult.Reject(RejectReasons.MalformedJson, reader.Error);
                }

                if (step == 0)
                {
                    break;
                }

                int field = FieldOf(key);
                if (field == 0)
                {
                    return DecodeResult.Reject(RejectReasons.UnknownField, "unknown field '" + Shorten(key) + "'");
                }

                if ((seen & field) != 0)
                {
                    return DecodeResult.Reject(RejectReasons.MalformedJson, "duplicate field '" + key + "'");
                }

                seen |= field;
                int kind = reader.PeekValueKind();
                if (kind == FlatJsonReader.ValueNested)
                {
                    return DecodeResult.Reject(RejectReasons.BadField, "field '" + key + "' is nested; v1 is flat");
                }

                bool wantString = field == FieldId || field == FieldDev || field == FieldType || field == FieldInfo || field == FieldCard || field == FieldSvc || field == FieldFw || field == FieldSubj;
                if (kind == FlatJsonReader.ValueLiteral)
                {
                    string literal;
                    if (!reader.ReadLiteral(out literal))
                    {
                        return DecodeResult.Reject(RejectReasons.MalformedJson, reader.Error);
                    }

                    return DecodeResult.Reject(RejectReasons.BadField, "field '" + key + "' is " + literal);
                }

                if (wantString)
                {
                    if (kind != FlatJsonReader.ValueString)
                    {
                        return Reject(reader, kind, key, "a string");
                    }

                    string s;
                    if (!reader.ReadString(out s))
                    {
                        return DecodeResult.Reject(RejectReasons.MalformedJson, reader.Error);
                    }

                    // An escaped control character ("\u0000", "\n") is valid JSON, so the reader lets it through; the
                    // format does not: on the device an embedded NUL ends a string, and in the gateway's log lines
                    // and console a newline or an escape sequence would forge output. Same rule as a raw one.
                    int control = IndexOfControlCharacter(s);
                    if (control >= 0)
                    {
                        return DecodeResult.Reject(RejectReasons.BadField, "field '" + key + "' has control character " + ControlCharacterName(s[control]) + " at index " + control.ToString());
                    }

                    if (field == FieldId) { id = s; }
                    else if (field == FieldDev) { dev = s; }
                    else if (field == FieldType) { type = s; }
                    else if (field == FieldCard) { card = s; }
                    else if (field == FieldSvc) { svc = s; }
                    else if (field == FieldFw) { fw = s; }
                    else if (field == FieldSubj) { subj = s; }
                    else { info = s; }
                    continue;
                }

                if (kind != FlatJsonReader.ValueNumber)
                {
                    return Reject(reader, kind, key, "a number");
                }

                string number;
                if (!reader.ReadNumber(out number))
                {
                    return DecodeResult.Reject(RejectReasons.MalformedJson, reader.Error);
                }

                if (field == FieldConf)
                {
                    if (!NumberParser.TryParseUnitPerMille(number, out confidence))
                    {
                        return DecodeResult.Reject(RejectReasons.BadField, "conf must be a number 0..1 (no exponent), got " + Shorten(number));
                    }

                    continue;
                }

                if (field == FieldLat || field == FieldLon || field == FieldHdop)
                {
                    long scaled;
                    int decimals = field == FieldHdop ? 2 : 6;
                    if (!NumberParser.TryParseFixed(number, decimals, out scaled))
                    {
                        // Built with a StringBuilder, not a chain of +: the stable nano runtime's String.Concat takes few strings.
                        StringBuilder detail = new StringBuilder("field '");
                        detail.Append(key);
                        detail.Append("' must be a number with at most ");
                        detail.Append(decimals.ToString());
                        detail.Append(" digits after the point (no exponent), got ");
                        detail.Append(Shorten(number));
                        return DecodeResult.Reject(RejectReasons.BadField, detail.ToString());
                    }

                    if (field == FieldLat) { latitude = scaled; }
                    else if (field == FieldLon) { longitude = scaled; }
                    else { hdop = scaled; }
                    continue;
                }

                long value;
                if (!NumberParser.TryParseLong(number, out value))
                {
                    return DecodeResult.Reject(RejectReasons.BadField, "field '" + key + "' must be an integer, got " + Shorten(number));
                }

                if (field == FieldV) { version = value; }
                else if (field == FieldBoot) { boot = value; }
                else if (field == FieldSeq) { seq = value; }
                else if (field == FieldTs) { ts = value; }
                else if (field == FieldBat) { bat = value; }
                else if (field == FieldSats) { satellites = value; }
                else if (field == FieldRssi) { signal = value; }
                else if (field == FieldHbs) { period = value; }
                else { reference = value; }
            }

            if (!reader.AtEnd())
            {
                return DecodeResult.Reject(RejectReasons.MalformedJson, reader.Error);
            }

            if ((seen & Required) != Required)
            {
                return DecodeResult.Reject(RejectReasons.MissingField, "missing " + MissingNames(seen));
            }

            if (version != DeviceEvent.CurrentVersion)
            {
                return DecodeResult.Reject(RejectReasons.BadVersion, "version " + version.ToString() + " is not supported (v1 only)");
            }

            string problem = CheckFields(seen, dev, boot, seq, ts, bat, reference, info);
            if (problem != null)
            {
                return DecodeResult.Reject(RejectReasons.BadField, problem);
            }

            if (!EventTypes.IsKnown(type))
            {
                return DecodeResult.Reject(RejectReasons.UnknownType, "unknown event type '" + Shorten(type) + "'");
            }

            problem = CheckKioskFields(type, card, svc);
            if (problem != null)
            {
                return DecodeResult.Reject(RejectReasons.BadField, problem);
            }

            problem = CheckSubject(type, subj, (seen & FieldRef) != 0);
            if (problem != null)
            {
                return DecodeResult.Reject(subj == null || problem == MissingRef ? RejectReasons.MissingField : RejectReasons.BadField, problem);
            }

            bool missingPosition;
            problem = PositionFields.Check(type, (seen & FieldLat) != 0, (seen & FieldLon) != 0, latitude, longitude, hdop, (seen & FieldSats) != 0, satellites, out missingPosition);
            if (problem != null)
            {
                return DecodeResult.Reject(missingPosition ? RejectReasons.MissingField : RejectReasons.BadField, missingPosition ? "missing " + problem : problem);
            }

            problem = HeartbeatFields.Check(type, (seen & FieldRssi) != 0, signal, fw, (seen & FieldHbs) != 0, period);
            if (problem != null)
            {
                return DecodeResult.Reject(RejectReasons.BadField, problem);
            }

            if (id != DeviceEvent.MakeId(dev, (int)boot, (int)seq))
            {
                return DecodeResult.Reject(RejectReasons.IdMismatch, "id '" + Shorten(id) + "' is not dev:boot:seq");
            }

            DeviceEvent e = new DeviceEvent(dev, (int)boot, (int)seq, type, ts);
            e.BatteryPercent = (int)bat;
            e.ConfidencePerMille = confidence;
            e.ReferenceSequence = (int)reference;
            e.Info = info;
            e.Card = card;
            e.Service = svc;
            e.Subject = subj;
            e.LatitudeMicrodegrees = (int)latitude;
            e.LongitudeMicrodegrees = (int)longitude;
            e.HdopHundredths = (int)hdop;
            e.Satellites = (int)satellites;
            e.SignalDbm = (int)signal;
            e.FirmwareVersion = fw;
            e.HeartbeatSeconds = (int)period;
            return DecodeResult.Success(e, text);
        }

        /// <summary>Device ids: 1-32 of a-z, 0-9, '-', not starting with '-'. Safe in topics, file names and logs.</summary>
        public static bool IsValidDeviceId(string deviceId)
        {
            if (deviceId == null || deviceId.Length == 0 || deviceId.Length > MaxDeviceIdLength || deviceId[0] == '-')
            {
                return false;
            }

            for (int i = 0; i < deviceId.Length; i++)
            {
                char c = deviceId[i];
                if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
                {
                    return false;
                }
            }

            return true;
        }

        private static string CheckFields(int seen, string dev, long boot, long seq, long ts, long bat, long reference, string info)
        {
            if (!IsValidDeviceId(dev))
            {
                return "dev must be 1-32 of a-z, 0-9, '-'";
            }

            if (boot < 1 || boot > int.MaxValue)
            {
                return "boot must be 1.." + int.MaxValue.ToString() + ", got " + boot.ToString();
            }

            if (seq < 1 || seq > int.MaxValue)
            {
                return "seq must be 1.." + int.MaxValue.ToString() + ", got " + seq.ToString();
            }

            if (ts < 0 || ts > MaxTimestampUnixMilliseconds)
            {
                return "ts out of range: " + ts.ToString();
            }

            if ((seen & FieldBat) != 0 && (bat < 0 || bat > 100))
            {
                return "bat must be 0..100, got " + bat.ToString();
            }

            if ((seen & FieldRef) != 0 && (reference < 1 || reference > int.MaxValue))
            {
                return "ref must be a positive seq, got " + reference.ToString();
            }

            if (info != null && info.Length > MaxInfoLength)
            {
                return "info longer than " + MaxInfoLength.ToString() + " chars";
            }

            return null;
        }

        /// <summary>
        /// <c>card</c>: a card UID as upper-case hex of 4, 7 or 10 bytes (ISO 14443 single, double, triple size), on a
        /// check-in (required), a service request or an SOS from a kiosk; never anything longer (a national ID number
        /// cannot pass as one). <c>svc</c>: one of <see cref="ServiceCodes"/>, on a service request only (required).
        /// </summary>
        private static string CheckKioskFields(string type, string card, string svc)
        {
            if (card != null && !IsValidCardUid(card))
            {
                return "card must be the upper-case hex of a 4, 7 or 10 byte card UID";
            }

            if (card != null && type != EventTypes.CheckIn && type != EventTypes.ServiceRequest && type != EventTypes.Sos)
            {
                return "card is only for checkin, service and sos";
            }

            if (type == EventTypes.CheckIn && card == null)
            {
                return "a checkin needs card";
            }

            if (type == EventTypes.ServiceRequest)
            {
                return ServiceCodes.IsKnown(svc) ? null : "a service request needs svc, one of " + ServiceCodes.All;
            }

            return svc != null ? "svc is only for service" : null;
        }

        private const string MissingRef = "missing ref: a device_online names the seq of the device_offline it clears";

        /// <summary>
        /// <c>subj</c>: the device a gateway-made event is about, a valid device id; required on those types and nowhere
        /// else (a device's own event is about itself). A <c>device_online</c> names the alarm it clears in <c>ref</c>.
        /// </summary>
        private static string CheckSubject(string type, string subj, bool hasRef)
        {
            if (!EventTypes.IsGatewayMade(type))
            {
                return subj != null ? "subj is only for gateway events (device_offline, device_online, alarm_taken)" : null;
            }

            if (subj == null)
            {
                return "missing subj: a " + type + " names the device it is about";
            }

            if (!IsValidDeviceId(subj))
            {
                return "subj must be a device id: 1-32 of a-z, 0-9, '-'";
            }

            return type == EventTypes.DeviceOnline && !hasRef ? MissingRef : null;
        }

        /// <summary>Upper-case hex of a 4, 7 or 10 byte UID.</summary>
        public static bool IsValidCardUid(string card)
        {
            if (card == null || (card.Length != 8 && card.Length != 14 && card.Length != 20))
            {
                return false;
            }

            for (int i = 0; i < card.Length; i++)
            {
                char c = card[i];
                if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F')))
                {
                    return false;
                }
            }

            return true;
        }

        private static DecodeResult Reject(FlatJsonReader reader, int kind, string key, string expected)
        {
            if (kind == 0)
            {
                return DecodeResult.Reject(RejectReasons.MalformedJson, "bad value for '" + Shorten(key) + "'");
            }

            return DecodeResult.Reject(RejectReasons.BadField, "field '" + key + "' must be " + expected);
        }

        private static int FieldOf(string key)
        {
            switch (key)
            {
                case "v": return FieldV;
                case "id": return FieldId;
                case "dev": return FieldDev;
                case "boot": return FieldBoot;
                case "seq": return FieldSeq;
                case "type": return FieldType;
                case "ts": return FieldTs;
                case "bat": return FieldBat;
                case "conf": return FieldConf;
                case "ref": return FieldRef;
                case "info": return FieldInfo;
                case "card": return FieldCard;
                case "svc": return FieldSvc;
                case "lat": return FieldLat;
                case "lon": return FieldLon;
                case "hdop": return FieldHdop;
                case "sats": return FieldSats;
                case "rssi": return FieldRssi;
                case "fw": return FieldFw;
                case "hbs": return FieldHbs;
                case "subj": return FieldSubj;
                default: return 0;
            }
        }

        private static string MissingNames(int seen)
        {
            string[] names = new string[] { "v", "id", "dev", "boot", "seq", "type", "ts" };
            string result = string.Empty;
            for (int i = 0; i < names.Length; i++)
            {
                if ((seen & (1 << i)) == 0)
                {
                    result = result.Length == 0 ? names[i] : result + ", " + names[i];
                }
            }

            return result;
        }

        private static string Shorten(string text)
        {
            if (text == null)
            {
                return string.Empty;
            }

            return text.Length <= 40 ? text : text.Substring(0, 40) + "...";
        }

        private static void AppendPerMille(StringBuilder b, int perMille)
        {
            // Shortest form ("0", "1", "0.5", "0.87", "0.873"): never longer than any input the decoder accepts.
            b.Append((perMille / 1000).ToString());
            int fraction = perMille % 1000;
            if (fraction == 0)
            {
                return;
            }

            b.Append('.');
            if (fraction < 100)
            {
                b.Append('0');
            }

            if (fraction < 10)
            {
                b.Append('0');
            }

            while (fraction % 10 == 0)
            {
                fraction = fraction / 10;
            }

            b.Append(fraction.ToString());
        }

        /// <summary>A JSON string: quotes and backslashes escaped, control characters written as spaces.</summary>
        internal static void AppendString(StringBuilder b, string s)
        {
            b.Append('"');
            for (int i = 0; i < s.Length; i++)
            {
                char c = s[i];
                if (c == '"' || c == '\\')
                {
                    b.Append('\\');
                    b.Append(c);
                }
                else if (IsControlCharacter(c))
                {
                    // The decoder refuses control characters, escaped or not (bad_field), so the encoder writes a
                    // space instead: an alarm must never be refused for its detail text.
                    b.Append(' ');
                }
                else
                {
                    b.Append(c);
                }
            }

            b.Append('"');
        }

        /// <summary>
        /// Unicode's control characters (category Cc): C0 U+0000..U+001F, DEL U+007F and C1 U+0080..U+009F.
        /// None belongs in a device id, a type or a detail text (docs/wire-format.md, "Rules").
        /// </summary>
        private static bool IsControlCharacter(char c)
        {
            return c < ' ' || (c >= '\u007f' && c <= '\u009f');
        }

        private static int IndexOfControlCharacter(string s)
        {
            for (int i = 0; i < s.Length; i++)
            {
                if (IsControlCharacter(s[i]))
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>"U+001F": never the character itself, which could be a NUL or an escape in a log line.</summary>
        private static string ControlCharacterName(char c)
        {
            return "U+00" + HexDigit(c >> 4).ToString() + HexDigit(c & 0xF).ToString();
        }

        private static char HexDigit(int value)
        {
            return (char)(value < 10 ? '0' + value : 'A' + value - 10);
        }
    }
}
