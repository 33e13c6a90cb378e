using Eldercare.Firmware.Devices;
using Microsoft.CodeAnalysis;

namespace Eldercare.Firmware.Tests.NanoCompile;

/// <summary>
/// hardware/*.pins.json against the device projects: every pin the code sets (SetPinFunction, OpenPin, ADC channel,
/// SPI chip select, RC522 reset, wake pin) is in the map with the same function and vice versa, every pin constant is
/// wired, and the ESP32's rules hold (RTC pins for wake, every pin of an opened bus set, no outputs or pull-ups on the
/// input-only pins, no flash pins, one function per pin).
/// </summary>
[TestClass]
public sealed class PinMapTests
{
    [TestMethod]
    [TestCategory("Unit")]
    [DataRow("pendant", "Pendant")]
    [DataRow("watch", "Watch")]
    [DataRow("kiosk", "Kiosk")]
    public void PinMap_AgainstDeviceProject_ListsExactlyThePinsTheCodeUses(string mapName, string device)
    {
        // Arrange
        PinMap map = PinMap.Load(RepositoryFiles.Root(), mapName);
        PinUsage usage = ReadUsage(device);

        // Act
        var inCode = usage.Pins.Select(p => p.Gpio + " " + p.Function).Distinct().Order(StringComparer.Ordinal).ToList();
        var inMap = map.Pins.Where(p => p.Firmware).Select(p => p.Gpio + " " + p.Function).Order(StringComparer.Ordinal).ToList();
        var wiredGpios = map.Pins.Select(p => p.Gpio).ToHashSet();
        var unwiredConstants = usage.DeclaredPins.Where(c => !wiredGpios.Contains(c.Value)).Select(c => c.Key + " = " + c.Value).ToList();

        // Assert
        Assert.AreEqual("firmware/Devices/" + device, map.Firmware);
        Assert.IsEmpty(usage.Problems, string.Join(Environment.NewLine, usage.Problems));
        CollectionAssert.AreEqual(inMap, inCode, "hardware/" + mapName + ".pins.json [" + string.Join(", ", inMap) + "] vs code [" + string.Join(", ", inCode) + "]");
        Assert.IsEmpty(unwiredConstants, "pin constants missing from the map: " + string.Join(", ", unwiredConstants));
        CollectionAssert.AreEquivalent(map.Pins.Where(p => p.Wake).Select(p => p.Gpio).ToList(), usage.WakePins, "wake pins");
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow("pendant", "Pendant")]
    [DataRow("watch", "Watch")]
    [DataRow("kiosk", "Kiosk")]
    public void PinMap_Device_FollowsTheEsp32Rules(string mapName, string device)
    {
        // Arrange
        PinMap map = PinMap.Load(RepositoryFiles.Root(), mapName);
        PinUsage usage = ReadUsage(device);
        var functions = usage.Pins.Select(p => p.Function).ToHashSet(StringComparer.Ordinal);

        // Act
        var problems = new List<string>();
        problems.AddRange(map.Pins.GroupBy(p => p.Gpio).Where(g => g.Count() > 1).Select(g => "GPIO " + g.Key + " has " + g.Count() + " entries"));
        problems.AddRange(map.Pins.Where(p => p.Wake && !Esp32Pins.IsRtcPin(p.Gpio)).Select(p => "GPIO " + p.Gpio + " cannot wake the ESP32 (not an RTC pin)"));
        problems.AddRange(usage.WakePins.Where(p => !Esp32Pins.IsRtcPin(p)).Select(p => "code wakes on GPIO " + p + ", not an RTC pin"));
        problems.AddRange(map.Pins.Where(p => Esp32Pins.IsFlashPin(p.Gpio)).Select(p => "GPIO " + p.Gpio + " belongs to the module's flash"));
        problems.AddRange(map.Pins.Where(p => Esp32Pins.IsInputOnly(p.Gpio) && (p.Function.Contains("Output", StringComparison.Ordinal) || p.Function.Contains("Pull", StringComparison.Ordinal)))
            .Select(p => "GPIO " + p.Gpio + " is input-only without pull-ups, not " + p.Function));
        problems.AddRange(map.Pins.Where(p => p.Function.StartsWith("ADC", StringComparison.Ordinal) && !p.Function.StartsWith("ADC1_CH", StringComparison.Ordinal))
            .Select(p => "GPIO " + p.Gpio + ": only ADC1 works while Wi-Fi is on"));
        foreach ((string bus, string[] needed) in new (string, string[])[]
        {
            ("I2C1", ["I2C1_DATA", "I2C1_CLOCK"]),
            ("SPI1", ["SPI1_MOSI", "SPI1_MISO", "SPI1_CLOCK"]),
            ("COM2", ["COM2_RX", "COM2_TX"]),
            ("COM3", ["COM3_RX", "COM3_TX"]),
        })
        {
            if (usage.Buses.Contains(bus))
            {
                problems.AddRange(needed.Where(f => !functions.Contains(f)).Select(f => bus + " is opened but " + f + " is never set with SetPinFunction (ESP32 defaults overlap)"));
            }
        }

        // Assert
        Assert.IsNotEmpty(usage.Buses, device + " opens no bus: the usage reader found nothing?");
        Assert.IsEmpty(problems, string.Join(Environment.NewLine, problems));
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void PinMap_HilRig_DrivesTheDevicesSosWakePin()
    {
        // Arrange
        string root = RepositoryFiles.Root();
        PinMap rig = PinMap.Load(root, "hil-rig");

        // Act
        var links = rig.Pins.Where(p => p.ConnectsToDevice != null).ToList();
        var sos = links.Where(p => p.Part.Contains("SOS", StringComparison.Ordinal)).ToList();

        // Assert
        Assert.IsNull(rig.Firmware);
        Assert.HasCount(1, sos, "the rig drives exactly one SOS line");
        PinMap target = PinMap.Load(root, sos[0].ConnectsToDevice!);
        PinMapEntry line = target.Pins.Single(p => p.Gpio == sos[0].ConnectsToGpio);
        Assert.IsTrue(line.Wake, "the rig presses the device's wake-capable SOS pin");
        StringAssert.Contains(line.Part, "SOS");
        Assert.AreEqual("GPIO_OutputOpenDrain", sos[0].Function, "open drain: the rig only ever pulls the line low, like the button");
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow("pendant", "Pendant")]
    [DataRow("watch", "Watch")]
    public void PinMap_HilRig_UartCrossesToTheWearablesHilUart(string mapName, string device)
    {
        // Arrange
        string root = RepositoryFiles.Root();
        PinMap rig = PinMap.Load(root, "hil-rig");
        PinMap target = PinMap.Load(root, mapName);
        PinUsage usage = ReadUsage(device);

        // Act
        PinMapEntry tx = rig.Pins.Single(p => p.Function == "UART_TX");
        PinMapEntry rx = rig.Pins.Single(p => p.Function == "UART_RX");

        // Assert: the rig's TX drives the device's COM3 RX and the other way round, at the same pins on both wearables
        Assert.AreEqual("COM3_RX", target.Pins.Single(p => p.Gpio == tx.ConnectsToGpio).Function);
        Assert.AreEqual("COM3_TX", target.Pins.Single(p => p.Gpio == rx.ConnectsToGpio).Function);
        Assert.Contains("COM3", usage.Buses, device + " opens the HIL UART");
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void PinMap_Gateway_UsesNoGpio()
    {
        // Act
        PinMap gateway = PinMap.Load(RepositoryFiles.Root(), "gateway");

        // Assert
        Assert.IsNull(gateway.Firmware);
        Assert.IsEmpty(gateway.Pins);
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void Read_SnippetWithEveryKindOfPin_FindsThemWithTheirFunctions()
    {
        // Arrange
        const string source = """
            using System.Device.Adc;
            using System.Device.Gpio;
            using System.Device.I2c;
            using nanoFramework.Hardware.Esp32;
            static class BoardPins
            {
                public const int Data = 21;
                public const int Clock = 22;
                public const int Button = 27;
                public const int BatteryAdcChannel = 6;
            }
            static class P
            {
                static void Main()
                {
                    Configuration.SetPinFunction(BoardPins.Data, DeviceFunction.I2C1_DATA);
                    Configuration.SetPinFunction(BoardPins.Clock, DeviceFunction.I2C1_CLOCK);
                    new GpioController().OpenPin(BoardPins.Button, PinMode.InputPullUp);
                    new AdcController().OpenChannel(BoardPins.BatteryAdcChannel);
                    I2cDevice.Create(new I2cConnectionSettings(1, 0x68));
                    Sleep.EnableWakeupByPin(Sleep.WakeupGpioPin.Pin27, 0);
                    int computed = 20 + System.DateTime.UtcNow.Second;
                    new GpioController().OpenPin(computed, PinMode.Output);
                }
            }
            """;
        NanoCompileResult result = NanoCompiler.Compile(
            "PinSnippet",
            [new SourceFile("firmware/Devices/Snippet/Program.cs", source)],
            CompileOnlyDeclarations.For(RepositoryFiles.Root(), ["nanoFramework.Hardware.Esp32", "nanoFramework.System.Device.Gpio", "nanoFramework.System.Device.Adc", "nanoFramework.System.Device.I2c"]),
            OutputKind.ConsoleApplication);
        Assert.IsEmpty(result.Errors, result.Describe(10));

        // Act
        PinUsage usage = PinUsage.Read(result.Compilation!);

        // Assert
        CollectionAssert.AreEquivalent(
            new[] { "21 I2C1_DATA", "22 I2C1_CLOCK", "27 GPIO_InputPullUp", "34 ADC1_CH6" },
            usage.Pins.Select(p => p.Gpio + " " + p.Function).ToList());
        CollectionAssert.AreEqual(new[] { 27 }, usage.WakePins);
        Assert.Contains("I2C1", usage.Buses);
        Assert.AreEqual(34, usage.DeclaredPins["BoardPins.BatteryAdcChannel"]);
        Assert.HasCount(1, usage.Problems);
        StringAssert.Contains(usage.Problems[0], "is not a constant");
    }

    private static PinUsage ReadUsage(string device)
    {
        NanoCompileResult result = DeviceProjectCompileTests.Compile(device);
        Assert.IsNotNull(result.Compilation, result.Describe(10));
        return PinUsage.Read(result.Compilation);
    }
}
