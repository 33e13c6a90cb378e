using Eldercare.Firmware.Core.Text;

namespace Eldercare.Firmware.Tests.Text;

[TestClass]
[TestCategory("Unit")]
public sealed class LogTextTests
{
    [TestMethod]
    [DataRow("pendant-0001", "pendant-0001", DisplayName = "plain text unchanged")]
    [DataRow("\r\u001b[2Kroot", @"\u000d\u001b[2Kroot", DisplayName = "CR and an ANSI erase-line")]
    [DataRow("a\0b\u0007c", @"a\u0000b\u0007c", DisplayName = "NUL and BEL")]
    [DataRow("line\nforged", @"line\u000aforged", DisplayName = "newline")]
    [DataRow("del\u007f c1\u0085", @"del\u007f c1\u0085", DisplayName = "DEL and C1 (NEL)")]
    [DataRow("ls\u2028 rlo\u202e", @"ls\u2028 rlo\u202e", DisplayName = "line separator, right-to-left override")]
    [DataRow(@"back\slash\u0000", @"back\\slash\\u0000", DisplayName = "a backslash is doubled, so an escape cannot be faked")]
    [DataRow("社区 ok", "社区 ok", DisplayName = "other text unchanged")]
    public void Untrusted_Text_Escaped(string input, string expected) => Assert.AreEqual(expected, LogText.Untrusted(input));

    [TestMethod]
    public void Untrusted_LongerThanMax_CutAndSaid()
    {
        var text = LogText.Untrusted(new string('x', 16_000), 64);

        Assert.AreEqual(new string('x', 64) + "...(15936 more chars)", text);
    }

    [TestMethod]
    public void Untrusted_Null_Said() => Assert.AreEqual("(null)", LogText.Untrusted(null!));
}
