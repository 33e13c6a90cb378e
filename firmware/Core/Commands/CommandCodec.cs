using System.Text;
using Eldercare.Firmware.Core.Events;

namespace Eldercare.Firmware.Core.Commands
{
    /// <summary>
    /// Wire format v1 of the command topic (gateway to device), docs/wire-format.md "Commands": one flat JSON object,
    /// <c>{"v":1,"cmd":"ack","ref":"pendant-0001:12:57","ts":1764720000000,"by":"center"}</c> or a configuration
    /// <c>{"v":1,"cmd":"config","ver":3,"ts":...,"hb":60,"wake":"07:00-22:00"}</c> (fields: <see cref="ConfigFields"/>),
    /// at most <see cref="MaxPayloadBytes"/>. The gateway encodes with it and the device decodes with it: one owner. Every
    /// string field is limited to characters that need no escaping (an event id, a role), so the device never
    /// meets an escape sequence or a control character in a command.
    /// </summary>
    public static class CommandCodec
    {
        /// <summary>A command's largest size: an acknowledgement is ~100 bytes, a configuration with polygon zones up to ~1 KB.</summary>
        public const int MaxPayloadBytes = 1024;
        public const int MaxByLength = 32;

        private const int FieldV = 1;
        private const int FieldCmd = 2;
        private const int FieldRef = 4;
        private const int FieldTs = 8;
        private const int FieldBy = 16;
        private const int Common = FieldV | FieldCmd | FieldTs;

        /// <summary>An acknowledgement of the event <paramref name="eventId"/> by <paramref name="by"/> (a role, or null).</summary>
        public static byte[] EncodeAck(string eventId, long timestampUnixMilliseconds, string by)
        {
            return Utf8.GetBytes(EncodeAckToString(eventId, timestampUnixMilliseconds, by));
        }

        /// <summary><see cref="EncodeAck"/> as text. Refuses (null) what the decoder would refuse, so nothing invalid is sent.</summary>
        public static string EncodeAckToString(string eventId, long timestampUnixMilliseconds, string by)
        {
            string dev;
            int boot, seq;
            if (!TryParseEventId(eventId, out dev, out boot, out seq) || timestampUnixMilliseconds < 0
                || timestampUnixMilliseconds > EventCodec.MaxTimestampUnixMilliseconds || (by != null && !IsValidBy(by)))
            {
                return null;
            }

            StringBuilder b = new StringBuilder(96);
            b.Append("{\"v\":1,\"cmd\":\"");
            b.Append(CommandNames.Ack);
            b.Append("\",\"ref\":\"");
            b.Append(eventId);
            b.Append("\",\"ts\":");
            b.Append(timestampUnixMilliseconds.ToString());
            if (by != null)
            {
                b.Append(",\"by\":\"");
                b.Append(by);
                b.Append('"');
            }

            b.Append('}');
            return b.ToString();
        }

        /// <summary>
        /// A configuration command as text, or null when it could not be written as JSON as it is (a string with a
        /// character the grammar has no place for, no version, a bad <paramref name="by"/>). Its settings' grammar is
        /// the decoder's to judge: decode the result to learn whether a device would take it, and why not.
        /// </summary>
        public static string EncodeConfigToString(DeviceConfig config, long timestampUnixMilliseconds, string by)
        {
            if (config == null || config.Version < 1 || timestampUnixMilliseconds < 0 || timestampUnixMilliseconds > EventCodec.MaxTimestampUnixMilliseconds
                || (by != null && !IsValidBy(by)) || !ConfigFields.HasSafeStrings(config))
            {
                return null;
            }

            StringBuilder b = new StringBuilder(160);
            b.Append("{\"v\":1,\"cmd\":\"");
            b.Append(CommandNames.Config);
            b.Append("\",\"ts\":");
            b.Append(timestampUnixMilliseconds.ToString());
            if (by != null)
            {
                b.Append(",\"by\":\"");
                b.Append(by);
                b.Append('"');
            }

            ConfigFields.Append(b, config);
            b.Append('}');
            return b.ToString();
        }

        public static CommandDecodeResult Decode(byte[] payload, int length)
        {
            if (payload == null || length == 0)
            {
                return CommandDecodeResult.Reject(RejectReasons.MalformedJson, "empty command");
            }

            if (length > MaxPayloadBytes)
            {
                return CommandDecodeResult.Reject(RejectReasons.TooLarge, "command is " + length.ToString() + " bytes, limit " + MaxPayloadBytes.ToString());
            }

            if (!Utf8.IsValid(payload, length))
            {
                return CommandDecodeResult.Reject(RejectReasons.MalformedJson, "command is not valid UTF-8");
            }

            return DecodeText(Utf8.GetString(payload, length));
        }

        /// <summary>Splits <c>deviceId:bootEpoch:seq</c> (the plain form; a derived conflict id is not acknowledged on its own).</summary>
        public static bool TryParseEventId(string id, out string deviceId, out int bootEpoch, out int sequence)
        {
            deviceId = null;
            bootEpoch = 0;
            sequence = 0;
            if (id == null || id.Length > EventCodec.MaxDeviceIdLength + 24)
            {
                return false;
            }

            int first = id.IndexOf(':');
            int second = first < 0 ? -1 : id.IndexOf(':', first + 1);
            if (second < 0 || id.IndexOf(':', second + 1) >= 0)
            {
                return false;
            }

            string dev = id.Substring(0, first);
            long boot, seq;
            if (!EventCodec.IsValidDeviceId(dev)
                || !TryParsePositive(id.Substring(first + 1, second - first - 1), out boot)
                || !TryParsePositive(id.Substring(second + 1), out seq))
            {
                return false;
            }

            deviceId = dev;
            bootEpoch = (int)boot;
            sequence = (int)seq;
            return true;
        }

        private static CommandDecodeResult DecodeText(string text)
        {
            FlatJsonReader reader = new FlatJsonReader(text);
            if (!reader.BeginObject())
            {
                return CommandDecodeResult.Reject(RejectReasons.MalformedJson, reader.Error);
            }

            int seen = 0;
            long version = 0, ts = 0, configVersion = 0;
            string cmd = null, reference = null, by = null;
            DeviceConfig settings = new DeviceConfig(0);
            while (true)
            {
                string key;
                int step = reader.NextMember(out key);
                if (step < 0)
                {
                    return CommandDecodeResult.Reject(RejectReasons.MalformedJson, reader.Error);
                }

                if (step == 0)
                {
                    break;
                }

                int field = FieldOf(key);
                if (field == 0)
                {
                    field = ConfigFields.FieldOf(key);
                }

                if (field == 0)
                {
                    return CommandDecodeResult.Reject(RejectReasons.UnknownField, "unknown field '" + Shorten(key) + "'");
                }

                if ((seen & field) != 0)
                {
                    return CommandDecodeResult.Reject(RejectReasons.MalformedJson, "duplicate field '" + key + "'");
                }

                seen |= field;
                int kind = reader.PeekValueKind();
                bool wantString = field == FieldCmd || field == FieldRef || field == FieldBy || ConfigFields.IsString(field);
                if (kind != (wantString ? FlatJsonReader.ValueString : FlatJsonReader.ValueNumber))
                {
                    return CommandDecodeResult.Reject(kind == 0 ? RejectReasons.MalformedJson : RejectReasons.BadField, "field '" + key + "' must be " + (wantString ? "a string" : "an integer"));
                }

                if (wantString)
                {
                    string s;
                    if (!reader.ReadString(out s))
                    {
                        return CommandDecodeResult.Reject(RejectReasons.MalformedJson, reader.Error);
                    }

                    if (field == FieldCmd) { cmd = s; }
                    else if (field == FieldRef) { reference = s; }
                    else if (field == FieldBy) { by = s; }
                    else
                    {
                        string problem = ConfigFields.SetString(settings, field, s);
                        if (problem != null)
                        {
                            return CommandDecodeResult.Reject(RejectReasons.BadField, problem);
                        }
                    }

                    continue;
                }

                string number;
                long value;
                if (!reader.ReadNumber(out number))
                {
                    return CommandDecodeResult.Reject(RejectReasons.MalformedJson, reader.Error);
                }

                if (!NumberParser.TryParseLong(number, out value))
                {
                    return CommandDecodeResult.Reject(RejectReasons.BadField, "field '" + key + "' must be an integer, got " + Shorten(number));
                }

                if (field == FieldV) { version = value; }
                else if (field == FieldTs) { ts = value; }
                else
                {
                    string problem = ConfigFields.SetNumber(settings, field, value);
                    if (problem != null)
                    {
                        return CommandDecodeResult.Reject(RejectReasons.BadField, "field '" + key + "': " + problem);
                    }

                    if (field == ConfigFields.FieldVer)
                    {
                        configVersion = value;
                    }
                }
            }

            if (!reader.AtEnd())
            {
                return CommandDecodeResult.Reject(RejectReasons.MalformedJson, reader.Error);
            }

            if ((seen & Common) != Common)
            {
                return CommandDecodeResult.Reject(RejectReasons.MissingField, "a command needs v, cmd and ts");
            }

            if (version != 1)
            {
                return CommandDecodeResult.Reject(RejectReasons.BadVersion, "command version " + version.ToString() + " is not supported (v1 only)");
            }

            if (!CommandNames.IsKnown(cmd))
            {
                return CommandDecodeResult.Reject(RejectReasons.UnknownType, "unknown command '" + Shorten(cmd) + "'");
            }

            if (ts < 0 || ts > EventCodec.MaxTimestampUnixMilliseconds)
            {
                return CommandDecodeResult.Reject(RejectReasons.BadField, "ts out of range: " + ts.ToString());
            }

            if (by != null && !IsValidBy(by))
            {
                return CommandDecodeResult.Reject(RejectReasons.BadField, "by must be 1-" + MaxByLength.ToString() + " of a-z, 0-9, '-'");
            }

            if (cmd == CommandNames.Config)
            {
                return DecodedConfig(seen, configVersion, settings, ts, by);
            }

            if ((seen & FieldRef) == 0)
            {
                return CommandDecodeResult.Reject(RejectReasons.MissingField, "an ack needs ref");
            }

            if ((seen & (ConfigFields.FieldVer | ConfigFields.Settings)) != 0)
            {
                return CommandDecodeResult.Reject(RejectReasons.UnknownField, "an ack carries no configuration fields");
            }

            string dev;
            int boot, seq;
            if (!TryParseEventId(reference, out dev, out boot, out seq))
            {
                return CommandDecodeResult.Reject(RejectReasons.BadField, "ref '" + Shorten(reference) + "' is not an event id dev:boot:seq");
            }

            return CommandDecodeResult.Success(new DeviceCommand(cmd, reference, ts, by, boot, seq));
        }

        private static CommandDecodeResult DecodedConfig(int seen, long configVersion, DeviceConfig settings, long ts, string by)
        {
            if ((seen & FieldRef) != 0)
            {
                return CommandDecodeResult.Reject(RejectReasons.UnknownField, "a config carries no ref");
            }

            if ((seen & ConfigFields.FieldVer) == 0)
            {
                return CommandDecodeResult.Reject(RejectReasons.MissingField, "a config needs ver");
            }

            if ((seen & ConfigFields.Settings) == 0)
            {
                return CommandDecodeResult.Reject(RejectReasons.MissingField, "a config needs at least one setting");
            }

            settings.Version = (int)configVersion;
            return CommandDecodeResult.Success(new DeviceCommand(settings, ts, by));
        }

        /// <summary>A role name: the same alphabet as a device id (safe in logs and on a small display).</summary>
        private static bool IsValidBy(string by)
        {
            return EventCodec.IsValidDeviceId(by);
        }

        private static bool TryParsePositive(string text, out long value)
        {
            if (text.Length == 0 || text.Length > 10 || text[0] == '0' || !NumberParser.TryParseLong(text, out value) || value < 1 || value > int.MaxValue)
            {
                value = 0;
                return false;
            }

            return true;
        }

        private static int FieldOf(string key)
        {
            switch (key)
            {
                case "v": return FieldV;
                case "cmd": return FieldCmd;
                case "ref": return FieldRef;
                case "ts": return FieldTs;
                case "by": return FieldBy;
                default: return 0;
            }
        }

        private static string Shorten(string text)
        {
            if (text == null)
            {
                return string.Empty;
            }

            // Only printable ASCII of the refused text reaches a reason: a hostile command cannot forge a log line.
            int length = text.Length <= 40 ? text.Length : 40;
            StringBuilder b = new StringBuilder(length + 3);
            for (int i = 0; i < length; i++)
            {
                char c = text[i];
                b.Append(c >= ' ' && c <= '~' ? c : '?');
            }

            if (text.Length > 40)
            {
                b.Append("...");
            }

            return b.ToString();
        }
    }
}
