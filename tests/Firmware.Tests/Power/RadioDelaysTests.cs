using Eldercare.Firmware.Core.Power;
using Eldercare.VirtualDevice.Adapters;

namespace Eldercare.Firmware.Tests.Power;

/// <summary>The twin's modelled radio delays (<c>run --radio-delays</c>): defaults from the core, strict parsing.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class RadioDelaysTests
{
    [TestMethod]
    public void Default_IsTheCoresRadioTimings()
    {
        // Act
        RadioDelays delays = RadioDelays.Default;

        // Assert
        Assert.AreEqual(RadioTimings.ConnectMilliseconds, delays.TotalMilliseconds);
        Assert.AreEqual(RadioTimings.WakeMilliseconds + RadioTimings.AssociationMilliseconds + RadioTimings.DhcpMilliseconds, delays.NetworkMilliseconds);
    }

    [TestMethod]
    public void Parse_TheDatasheetFigures_IsTheDefault()
    {
        // Act
        RadioDelays delays = RadioDelays.Parse("150,700,300,100");

        // Assert
        Assert.AreEqual(RadioDelays.Default, delays);
    }

    [TestMethod]
    [DataRow("")]
    [DataRow("150,700,300")]
    [DataRow("150,700,300,100,5")]
    [DataRow("a,700,300,100")]
    [DataRow("-1,700,300,100")]
    [DataRow("150,70000,300,100")]
    [DataRow("150, 700,300,100")]
    public void Parse_BadText_IsRefusedWithTheExpectedForm(string text)
    {
        // Act
        FormatException error = Assert.ThrowsExactly<FormatException>(() => RadioDelays.Parse(text));

        // Assert
        StringAssert.Contains(error.Message, "wake,association,dhcp,mqtt");
    }
}
