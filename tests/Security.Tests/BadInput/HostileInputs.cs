using System.Text;
using Eldercare.Firmware.Core.Events;

namespace Eldercare.Security.Tests.BadInput;

/// <summary>The corpus of hostile payloads: name, bytes (for a given device id), the reason the gateway must give.</summary>
public static class HostileInputs
{
    private const string Ok = "\"v\":1,\"id\":\"{0}:1:{1}\",\"dev\":\"{0}\",\"boot\":1,\"seq\":{1},\"type\":\"sos\",\"ts\":1763870000123";

    public static IEnumerable<object[]> Payloads =>
    [
        ["truncated", RejectReasons.MalformedJson],
        ["not_json", RejectReasons.MalformedJson],
        ["empty", RejectReasons.MalformedJson],
        ["invalid_utf8", RejectReasons.MalformedJson],
        ["wrong_type_seq_string", RejectReasons.BadField],
        ["missing_type", RejectReasons.MissingField],
        ["unknown_type", RejectReasons.UnknownType],
        ["version_2", RejectReasons.BadVersion],
        ["unknown_field", RejectReasons.UnknownField],
        ["deeply_nested", RejectReasons.MalformedJson],
        ["negative_seq", RejectReasons.BadField],
        ["absurd_seq", RejectReasons.BadField],
        ["ts_beyond_limit", RejectReasons.BadField],
        ["id_mismatch", RejectReasons.IdMismatch],
        ["over_1024_bytes", RejectReasons.TooLarge],
        ["escaped_control_characters", RejectReasons.BadField],
        ["escaped_newline_forging_a_log_line", RejectReasons.BadField],
        ["raw_del", RejectReasons.BadField],
    ];

    public static byte[] Make(string name, string device, int seq)
    {
        string ok = string.Format(System.Globalization.CultureInfo.InvariantCulture, Ok, device, seq);
        return name switch
        {
            "truncated" => Encoding.UTF8.GetBytes("{" + ok[..40]),
            "not_json" => "hello gateway"u8.ToArray(),
            "empty" => [],
            "invalid_utf8" => [.. Encoding.UTF8.GetBytes("{" + ok + ",\"info\":\""), 0xC3, 0x28, 0xFF, .. "\"}"u8.ToArray()],
            "wrong_type_seq_string" => Encoding.UTF8.GetBytes("{" + ok.Replace($"\"seq\":{seq}", $"\"seq\":\"{seq}\"", StringComparison.Ordinal) + "}"),
            "missing_type" => Encoding.UTF8.GetBytes("{" + ok.Replace(",\"type\":\"sos\"", string.Empty, StringComparison.Ordinal) + "}"),
            "unknown_type" => Encoding.UTF8.GetBytes("{" + ok.Replace("\"sos\"", "\"party\"", StringComparison.Ordinal) + "}"),
            "version_2" => Encoding.UTF8.GetBytes("{" + ok.Replace("\"v\":1", "\"v\":2", StringComparison.Ordinal) + "}"),
            "unknown_field" => Encoding.UTF8.GetBytes("{" + ok + ",\"admin\":1}"),
            "deeply_nested" => Encoding.UTF8.GetBytes(new string('[', 400) + new string(']', 400)),
            "negative_seq" => Encoding.UTF8.GetBytes("{" + ok.Replace($":1:{seq}\"", ":1:-5\"", StringComparison.Ordinal).Replace($"\"seq\":{seq}", "\"seq\":-5", StringComparison.Ordinal) + "}"),
            "absurd_seq" => Encoding.UTF8.GetBytes("{" + ok.Replace($":1:{seq}\"", ":1:99999999999999999999\"", StringComparison.Ordinal).Replace($"\"seq\":{seq}", "\"seq\":99999999999999999999", StringComparison.Ordinal) + "}"),
            "ts_beyond_limit" => Encoding.UTF8.GetBytes("{" + ok.Replace("1763870000123", "99999999999999999", StringComparison.Ordinal) + "}"),
            "id_mismatch" => Encoding.UTF8.GetBytes("{" + ok.Replace($"\"id\":\"{device}:1:{seq}\"", $"\"id\":\"{device}:1:{seq + 1}\"", StringComparison.Ordinal) + "}"),
            "over_1024_bytes" => Encoding.UTF8.GetBytes("{" + ok + ",\"info\":\"" + new string('x', 1100) + "\"}"),
            // Issue 11 item 3: valid JSON, stored until then; on the device an embedded NUL even ends the string.
            "escaped_control_characters" => Encoding.UTF8.GetBytes("{" + ok + ",\"info\":\"a\\u0000b\\u0007c\"}"),
            "escaped_newline_forging_a_log_line" => Encoding.UTF8.GetBytes("{" + ok + ",\"info\":\"x\\nwarn: Eldercare.Edge.Gateway[0] rejected good-0001 bad_credentials\"}"),
            "raw_del" => Encoding.UTF8.GetBytes("{" + ok + ",\"info\":\"a\u007fb\"}"),
            _ => throw new ArgumentException(name),
        };
    }
}
