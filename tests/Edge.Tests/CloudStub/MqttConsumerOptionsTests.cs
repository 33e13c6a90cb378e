using Eldercare.CloudStub;
using Eldercare.TestSupport;

namespace Eldercare.Edge.Tests.CloudStub;

/// <summary><c>CloudStub:Mqtt</c>: off without a host, checked before the stub starts.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class MqttConsumerOptionsTests
{
    [TestMethod]
    public void Validate_NoHost_OffAndNothingToSay()
    {
        var options = new MqttConsumerOptions { Port = 0, Username = "u", UseTls = false };

        Assert.IsFalse(options.Enabled);
        Assert.IsEmpty(options.Validate().ToList());
    }

    [TestMethod]
    [DataRow("Host", "not a host!", "is not a host name")]
    [DataRow("Port", "70000", "Port must be 1..65535")]
    [DataRow("TrustedCaPath", "/nonexistent/ca.pem", "does not exist")]
    [DataRow("UseTls", "false", "clear text")]
    [DataRow("MaxInFlight", "0", "MaxInFlight")]
    public void Create_BadValue_RefusedWithTheKey(string key, string value, string expectedFragment)
    {
        using var directory = new TempDirectory("stub-mqtt-options");
        string[] args = ["--urls=http://127.0.0.1:0", $"--CloudStub:DataDirectory={directory.Path}", "--CloudStub:Mqtt:Host=127.0.0.1", "--CloudStub:Mqtt:Username=cloud-stub", "--CloudStub:Mqtt:Password=p", $"--CloudStub:Mqtt:{key}={value}"];

        var exception = Assert.ThrowsExactly<InvalidOperationException>(() => CloudStubHost.Create(args, contentRoot: directory.Path));

        StringAssert.Contains(exception.Message, "CloudStub:Mqtt");
        StringAssert.Contains(exception.Message, expectedFragment);
    }
}
