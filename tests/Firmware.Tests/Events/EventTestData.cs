using System.Text;
using CsCheck;
using Eldercare.Firmware.Core.Events;

namespace Eldercare.Firmware.Tests.Events;

/// <summary>Payload builders, value comparison and CsCheck generators for the codec tests.</summary>
internal static class EventTestData
{
    /// <summary>A minimal valid payload; vectors are written with ' for " to stay readable.</summary>
    public const string MinimalValid = "{'v':1,'id':'p1:1:1','dev':'p1','boot':1,'seq':1,'type':'sos','ts':0}";

    /// <summary>The example of docs/wire-format.md, byte for byte.</summary>
    public const string DocumentExample =
        "{\"v\":1,\"id\":\"pendant-0001:17:42\",\"dev\":\"pendant-0001\",\"boot\":17,\"seq\":42,\"type\":\"sos\",\"ts\":1763870000123,\"bat\":87}";

    public static readonly string[] AllTypes =
    [
        EventTypes.Sos, EventTypes.SosCancel, EventTypes.Fall, EventTypes.FallCancel, EventTypes.Heartbeat,
        EventTypes.Geofence, EventTypes.GeofenceReturn, EventTypes.NoPosition,
        EventTypes.Wellness, EventTypes.NotWorn, EventTypes.BatteryLow, EventTypes.Charging,
    ];

    public static readonly string[] AllReasons =
    [
        RejectReasons.MalformedJson, RejectReasons.TooLarge, RejectReasons.BadVersion, RejectReasons.MissingField,
        RejectReasons.BadField, RejectReasons.UnknownField, RejectReasons.UnknownType, RejectReasons.IdMismatch,
        RejectReasons.DeviceMismatch, RejectReasons.TopicNotAllowed, RejectReasons.BadCredentials, RejectReasons.UnknownDevice,
    ];

    /// <summary>Turns a vector written with single quotes into JSON text.</summary>
    public static string J(string vector) => vector.Replace('\'', '"');

    public static byte[] Bytes(string json) => Encoding.UTF8.GetBytes(json);

    public static DecodeResult DecodeJson(string vector) => EventCodec.Decode(Bytes(J(vector)));

    public static DeviceEvent NewEvent(
        string dev = "pendant-0001",
        int boot = 17,
        int seq = 42,
        string type = EventTypes.Sos,
        long ts = 1763870000123,
        int bat = DeviceEvent.Absent,
        int confPerMille = DeviceEvent.Absent,
        int reference = DeviceEvent.Absent,
        string? info = null)
    {
        return new DeviceEvent(dev, boot, seq, type, ts)
        {
            BatteryPercent = bat,
            ConfidencePerMille = confPerMille,
            ReferenceSequence = reference,
            Info = info,
        };
    }

    /// <summary>Every observable value of an event, for equality with a readable failure message.</summary>
    public static string Describe(DeviceEvent e) =>
        "v=" + e.Version + " id=" + e.Id + " dev=" + e.DeviceId + " boot=" + e.BootEpoch + " seq=" + e.Sequence
        + " type=" + e.Type + " ts=" + e.TimestampUnixMilliseconds + " bat=" + e.BatteryPercent
        + " conf=" + e.ConfidencePerMille + " ref=" + e.ReferenceSequence
        + " lat=" + e.LatitudeMicrodegrees + " lon=" + e.LongitudeMicrodegrees + " hdop=" + e.HdopHundredths + " sats=" + e.Satellites
        + " rssi=" + e.SignalDbm + " fw=" + (e.FirmwareVersion ?? "<null>")
        + " info=" + (e.Info == null ? "<null>" : "\"" + Escape(e.Info) + "\"");

    public static void AssertSameValues(DeviceEvent expected, DeviceEvent actual)
    {
        Assert.AreEqual(Describe(expected), Describe(actual));
        Assert.AreEqual(expected.Info, actual.Info, "info differs (ordinal)");
    }

    /// <summary>
    /// The property every input must satisfy: no exception; either a rejection with a
    /// known reason and a detail, or an event whose encoding decodes to the same values.
    /// </summary>
    public static void AssertDecodesSafely(byte[] payload)
    {
        DecodeResult result = EventCodec.Decode(payload);
        Assert.IsNotNull(result);
        if (!result.Ok)
        {
            Assert.IsNull(result.Event);
            Assert.IsNotNull(result.Reason, "rejected without a reason");
            CollectionAssert.Contains(AllReasons, result.Reason);
            Assert.IsNotNull(result.Detail, "rejected without a detail");
            return;
        }

        Assert.IsNull(result.Reason);
        byte[] again = EventCodec.Encode(result.Event);
        DecodeResult second = EventCodec.Decode(again);
        Assert.IsTrue(second.Ok, "accepted " + Show(payload) + " but its re-encoding " + Show(again) + " is rejected: " + second.Reason + " " + second.Detail);
        AssertSameValues(result.Event, second.Event);
    }

    public static string Show(byte[] payload) => Convert.ToHexString(payload) + " \"" + Encoding.UTF8.GetString(payload) + "\"";

    private static string Escape(string s)
    {
        var b = new StringBuilder();
        foreach (char c in s)
        {
            if (c < ' ' || c > '~')
            {
                b.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                b.Append(c);
            }
        }

        return b.ToString();
    }

    // ---- generators ----

    private const string DeviceIdFirst = "abcdefghijklmnopqrstuvwxyz0123456789";
    private const string DeviceIdRest = DeviceIdFirst + "-";

    public static readonly Gen<string> DeviceId =
        Gen.Select(Gen.Char[DeviceIdFirst], Gen.Char[DeviceIdRest].Array[0, EventCodec.MaxDeviceIdLength - 1])
            .Select((first, rest) => first + new string(rest));

    /// <summary>
    /// A piece of text the wire format allows: one UTF-16 unit or one surrogate pair, never a lone surrogate,
    /// never a control character (Unicode Cc: U+0000..U+001F, U+007F..U+009F).
    /// </summary>
    private static readonly Gen<string> TextPiece = Gen.Frequency<string>(
        (6, Gen.Char[' ', '~'].Select(c => c.ToString())),
        (2, Gen.Char["\"\\/"].Select(c => c.ToString())),
        (3, Gen.Int[0x00A0, 0xFFFF].Where(c => c < 0xD800 || c > 0xDFFF).Select(char.ConvertFromUtf32)),
        (2, Gen.Int[0x10000, 0x10FFFF].Select(char.ConvertFromUtf32)));

    /// <summary>One control character: C0, DEL or C1.</summary>
    private static readonly Gen<string> ControlPiece = Gen.Frequency<string>(
        (2, Gen.Char['\0', '\u001f'].Select(c => c.ToString())),
        (1, Gen.Char['\u007f', '\u009f'].Select(c => c.ToString())));

    /// <summary>True for the characters the wire format refuses in a string (Unicode Cc).</summary>
    public static bool IsControl(char c) => c < ' ' || (c >= '\u007f' && c <= '\u009f');

    /// <summary>Arbitrary valid Unicode, at most <see cref="EventCodec.MaxInfoLength"/> UTF-16 units.</summary>
    public static readonly Gen<string> Info = Text(TextPiece);

    /// <summary>Like <see cref="Info"/> with control characters mixed in: what a buggy device might put in its detail text.</summary>
    public static readonly Gen<string> InfoWithControlCharacters =
        Text(Gen.Frequency<string>((3, TextPiece), (1, ControlPiece))).Where(s => s.Any(IsControl));

    private static Gen<string> Text(Gen<string> piece) => piece.Array[0, EventCodec.MaxInfoLength].Select(pieces =>
    {
        var b = new StringBuilder();
        foreach (string part in pieces)
        {
            if (b.Length + part.Length > EventCodec.MaxInfoLength)
            {
                break;
            }

            b.Append(part);
        }

        return b.ToString();
    });

    private static readonly Gen<int> Positive = Gen.Frequency<int>(
        (4, Gen.Int[1, int.MaxValue]),
        (1, Gen.OneOf(1, 2, 9, 10, 99, 100, 999_999, int.MaxValue - 1, int.MaxValue)));

    private static readonly Gen<long> Timestamp = Gen.Frequency<long>(
        (4, Gen.Long[0, EventCodec.MaxTimestampUnixMilliseconds]),
        (1, Gen.OneOf(0L, 1L, 1763870000123L, EventCodec.MaxTimestampUnixMilliseconds)));

    private static Gen<int> OptionalInt(int min, int max) =>
        Gen.Frequency<int>((1, Gen.Const(DeviceEvent.Absent)), (3, Gen.Int[min, max]), (1, Gen.OneOf(min, max)));

    private static readonly Gen<string?> OptionalInfo =
        Gen.Frequency<string?>((1, Gen.Const((string?)null)), (4, Info.Select(s => (string?)s)));

    private static readonly Gen<string?> FirmwareVersion = Gen.Frequency<string?>(
        (1, Gen.Const((string?)null)),
        (3, Gen.Char["0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-+"].Array[1, HeartbeatFields.MaxFirmwareVersionLength].Select(c => (string?)new string(c))));

    private static readonly Gen<int> SignalDbm = Gen.Frequency<int>(
        (1, Gen.Const(DeviceEvent.NoSignal)),
        (3, Gen.Int[HeartbeatFields.MinSignalDbm, HeartbeatFields.MaxSignalDbm]),
        (1, Gen.OneOf(HeartbeatFields.MinSignalDbm, -1, HeartbeatFields.MaxSignalDbm)));

    /// <summary>Any event the wire format allows.</summary>
    public static readonly Gen<DeviceEvent> ValidEvent = Gen.Select(
        WithHeartbeatFields(),
        Gen.Bool,
        Gen.Int[-PositionFields.MaxLatitudeMicrodegrees, PositionFields.MaxLatitudeMicrodegrees],
        Gen.Int[-PositionFields.MaxLongitudeMicrodegrees, PositionFields.MaxLongitudeMicrodegrees],
        OptionalInt(0, PositionFields.MaxHdopHundredths),
        OptionalInt(0, PositionFields.MaxSatellites),
        (e, positioned, latitude, longitude, hdop, satellites) =>
        {
            if (positioned || EventTypes.NeedsPosition(e.Type))
            {
                e.LatitudeMicrodegrees = latitude;
                e.LongitudeMicrodegrees = longitude;
            }

            e.HdopHundredths = hdop;
            e.Satellites = satellites;
            return e;
        });

    /// <summary><c>rssi</c> and <c>fw</c> go on heartbeats only.</summary>
    private static Gen<DeviceEvent> WithHeartbeatFields() => Gen.Select(
        WithoutPosition(),
        SignalDbm,
        FirmwareVersion,
        (e, signal, fw) =>
        {
            if (e.Type == EventTypes.Heartbeat)
            {
                e.SignalDbm = signal;
                e.FirmwareVersion = fw;
            }

            return e;
        });

    private static Gen<DeviceEvent> WithoutPosition() => Gen.Select(
        DeviceId,
        Positive,
        Positive,
        Gen.OneOf(AllTypes),
        Timestamp,
        OptionalInt(0, 100),
        OptionalInt(0, 1000),
        Gen.Select(OptionalInt(1, int.MaxValue), OptionalInfo),
        (dev, boot, seq, type, ts, bat, conf, tail) =>
            NewEvent(dev, boot, seq, type, ts, bat, conf, tail.Item1, tail.Item2));
}
