// COMPILE-ONLY declarations for the firmware compile test (tests/Firmware.Tests/NanoCompile): never shipped, never run,
// referenced by no runnable project; on the device the real package in packages.config provides these types.
// Only the members the device projects use (and their overload siblings) are declared, each signature copied from
// https://github.com/nanoframework/System.Device.Adc/blob/v1.1.24/System.Device.Adc/ (file:line). The abstract bases
// (AdcControllerBase, AdcChannelBase) are folded into the two classes: the members are the same.
namespace System.Device.Adc
{
    public class AdcController // AdcController.cs:13
    {
        public AdcController() { } // AdcController.cs:30

        public int ChannelCount => throw null; // AdcController.cs:49

        public int MaxValue => throw null; // AdcController.cs:72

        public int MinValue => throw null; // AdcController.cs:81

        public int ResolutionInBits => throw null; // AdcController.cs:90

        public AdcChannel OpenChannel(int channelNumber) => throw null; // AdcController.cs:105
    }

    public class AdcChannel : IDisposable // AdcChannel.cs:13
    {
        public int ReadValue() => throw null; // AdcChannel.cs:35

        public double ReadRatio() => throw null; // AdcChannelBase.cs:30

        public AdcController Controller => throw null; // AdcChannelBase.cs:41

        public void Dispose() => throw null; // AdcChannel.cs:69
    }
}
