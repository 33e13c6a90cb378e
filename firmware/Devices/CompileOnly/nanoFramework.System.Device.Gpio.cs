// COMPILE-ONLY declarations for the firmware compile test (tests/Firmware.Tests/NanoCompile): never shipped, never run,
// referenced by no runnable project; on the device the real package in packages.config provides these types.
// Only the members the device projects use (and their overload siblings) are declared, each signature copied from
// https://github.com/nanoframework/System.Device.Gpio/blob/v1.1.62/System.Device.Gpio/ (file:line).
namespace System.Device.Gpio
{
    public sealed class GpioController : IDisposable // GpioController.cs:13
    {
        public GpioController() { } // GpioController.cs:28

        public GpioPin OpenPin(int pinNumber) => throw null; // GpioController.cs:63

        public GpioPin OpenPin(int pinNumber, PinMode mode) => throw null; // GpioController.cs:79

        public void ClosePin(int pinNumber) => throw null; // GpioController.cs:116

        public void Dispose() => throw null; // GpioController.cs:139
    }

    public delegate void PinValueChangedEventHandler(object sender, PinValueChangedEventArgs e); // GpioPin.cs:12

    public sealed class GpioPin : IDisposable // GpioPin.cs:19
    {
        public TimeSpan DebounceTimeout { get => throw null; set => throw null; } // GpioPin.cs:63

        public int PinNumber => throw null; // GpioPin.cs:84

        public void SetPinMode(PinMode value) => throw null; // GpioPin.cs:134

        public PinValue Read() => throw null; // GpioPin.cs:151

        public void Write(PinValue value) => throw null; // GpioPin.cs:162

        public event PinValueChangedEventHandler ValueChanged { add => throw null; remove => throw null; } // GpioPin.cs:177

        public void Toggle() => throw null; // GpioPin.cs:254

        public void Dispose() => throw null; // GpioPin.cs:286
    }

    public enum PinMode // PinMode.cs:10
    {
        Input,
        InputPullDown,
        InputPullUp,
        Output,
        OutputOpenDrain,
        OutputOpenDrainPullUp,
        OutputOpenSource,
        OutputOpenSourcePullDown,
    }

    public readonly struct PinValue // PinValue.cs:10
    {
        public static PinValue High => throw null; // PinValue.cs:22

        public static PinValue Low => throw null; // PinValue.cs:27

        public static implicit operator PinValue(int value) => throw null; // PinValue.cs:33

        public static implicit operator PinValue(bool value) => throw null; // PinValue.cs:39

        public static explicit operator byte(PinValue value) => throw null; // PinValue.cs:45

        public static explicit operator int(PinValue value) => throw null; // PinValue.cs:51

        public static explicit operator bool(PinValue value) => throw null; // PinValue.cs:57

        public static bool operator ==(PinValue a, PinValue b) => throw null; // PinValue.cs:78

        public static bool operator !=(PinValue a, PinValue b) => throw null; // PinValue.cs:83

        public override bool Equals(object obj) => throw null; // PinValue.cs:65

        public override int GetHashCode() => throw null; // PinValue.cs:86
    }

    public enum PinEventTypes // PinEventTypes.cs:12
    {
        None = 0,
        Rising = 1,
        Falling = 2,
    }

    public class PinValueChangedEventArgs : EventArgs // PinValueChangedEventArgs.cs:12 (base BaseEvent, from nanoFramework.Runtime.Events)
    {
        public PinEventTypes ChangeType => throw null; // PinValueChangedEventArgs.cs:28

        public int PinNumber => throw null; // PinValueChangedEventArgs.cs:33
    }
}
