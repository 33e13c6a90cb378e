using System.Text;
using Eldercare.Firmware.Devices;

namespace Eldercare.Firmware.Tests.Devices;

/// <summary>The provisioned I:\device.txt, parsed from bytes; anything doubtful refuses the whole file with a reason.</summary>
[TestClass]
public sealed class DeviceSettingsTests
{
    private const string Valid = "# written by provisioning\nid=pendant-0001\nsecret=0123456789abcdef0123\nssid=Community Hall\npsk=p@ss word\nhost=gateway.local\nport=8883\ntls=1\nca=ca.pem\nplacement=neck\n";

    [TestMethod]
    [TestCategory("Unit")]
    public void Parse_ValidFile_ReadsEveryKey()
    {
        // Act
        DeviceSettings settings = DeviceSettings.Parse(Encoding.UTF8.GetBytes(Valid), out string problem);

        // Assert
        Assert.IsNull(problem, problem);
        Assert.AreEqual("pendant-0001", settings.DeviceId);
        Assert.AreEqual("0123456789abcdef0123", settings.Secret);
        Assert.AreEqual("Community Hall", settings.Ssid);
        Assert.AreEqual("p@ss word", settings.WifiPassword);
        Assert.AreEqual("gateway.local", settings.GatewayHost);
        Assert.AreEqual(8883, settings.GatewayPort);
        Assert.IsTrue(settings.UseTls);
        Assert.AreEqual("ca.pem", settings.CaFile);
        Assert.AreEqual("neck", settings.Placement);
        Assert.IsNull(settings.Zones);
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void Parse_CrLfUnknownKeyAndDefaults_AcceptedWithPort1883()
    {
        // Arrange
        string text = "id=watch-0001\r\nsecret=0123456789abcdef\r\nssid=Hall\r\nhost=10.0.0.2\r\nfuture_key=x\r\nzones=c,37.5131,122.1204,300\r\n";

        // Act
        DeviceSettings settings = DeviceSettings.Parse(Encoding.UTF8.GetBytes(text), out string problem);

        // Assert
        Assert.IsNull(problem, problem);
        Assert.AreEqual(1883, settings.GatewayPort);
        Assert.IsFalse(settings.UseTls);
        Assert.AreEqual("c,37.5131,122.1204,300", settings.Zones);
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow("", "empty")]
    [DataRow("id=Pendant 1\nsecret=0123456789abcdef\nssid=a\nhost=h\n", "id must be")]
    [DataRow("id=p1\nsecret=short\nssid=a\nhost=h\n", "secret must be")]
    [DataRow("id=p1\nsecret=0123456789abcdef\nhost=h\n", "ssid must be")]
    [DataRow("id=p1\nsecret=0123456789abcdef\nssid=a\n", "host is missing")]
    [DataRow("id=p1\nsecret=0123456789abcdef\nssid=a\nhost=h\nport=70000\n", "line 5: port must be 1..65535")]
    [DataRow("id=p1\nsecret=0123456789abcdef\nssid=a\nhost=h\nport=x\n", "line 5: port must be")]
    [DataRow("id=p1\nsecret=0123456789abcdef\nssid=a\nhost=h\ntls=yes\n", "tls must be 0 or 1")]
    [DataRow("id=p1\nsecret=0123456789abcdef\nssid=a\nhost=h\ntls=1\n", "tls=1 needs ca")]
    [DataRow("id=p1\nsecret=0123456789abcdef\nssid=a\nhost=h\nplacement=waist\n", "placement must be")]
    [DataRow("id=p1\njust text\n", "line 2: not key=value")]
    [DataRow("id=p1\n=value\n", "line 2: not key=value")]
    public void Parse_BadFile_RefusedWithReason(string text, string expectedReason)
    {
        // Act
        DeviceSettings settings = DeviceSettings.Parse(Encoding.UTF8.GetBytes(text), out string problem);

        // Assert
        Assert.IsNull(settings);
        Assert.Contains(expectedReason, problem);
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void Parse_NulByte_RefusedBecauseTheDeviceWouldCutTheString()
    {
        // Arrange: an embedded NUL ends a string on nanoFramework.
        byte[] data = Encoding.UTF8.GetBytes("id=p1\nsecret=0123456789abcdef\nssid=a\0b\nhost=h\n");

        // Act
        DeviceSettings settings = DeviceSettings.Parse(data, out string problem);

        // Assert
        Assert.IsNull(settings);
        Assert.Contains("line 3: NUL byte", problem);
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void Parse_InvalidUtf8_Refused()
    {
        // Arrange
        byte[] data = [.. Encoding.UTF8.GetBytes("id=p1\nssid="), 0xC3, 0x28, (byte)'\n'];

        // Act
        DeviceSettings settings = DeviceSettings.Parse(data, out string problem);

        // Assert
        Assert.IsNull(settings);
        Assert.Contains("line 2: not UTF-8", problem);
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow(DeviceSettings.MaxFileBytes + 1, "limit")]
    [DataRow(DeviceSettings.MaxLineBytes + 10, "longer than")]
    public void Parse_Oversized_Refused(int size, string expectedReason)
    {
        // Arrange
        byte[] data = Encoding.UTF8.GetBytes("ssid=" + new string('a', size));

        // Act
        DeviceSettings settings = DeviceSettings.Parse(data, out string problem);

        // Assert
        Assert.IsNull(settings);
        Assert.Contains(expectedReason, problem);
    }
}
