using System.Device.Gpio;

namespace Eldercare.Firmware.Tools.HilRunner;

/// <summary>How the runner presses SOS: a serial <c>SOS ms</c> command, or the rig's GPIO line on the button.</summary>
public interface ISosPresser : IDisposable
{
    /// <summary>Starts a press of <paramref name="holdMilliseconds"/> and returns at once (the hold runs on).</summary>
    void Press(int holdMilliseconds);
}

/// <summary>Presses by the HIL protocol's <c>SOS ms</c> command (the device holds its button for that long).</summary>
public sealed class SerialSosPresser(SerialLink link) : ISosPresser
{
    public void Press(int holdMilliseconds) => link.Send("SOS " + holdMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public void Dispose()
    {
    }
}

/// <summary>
/// Presses through the rig's GPIO line (System.Device.Gpio on the rig's Raspberry Pi): the line is wired to the SOS
/// button's pin (which the device reads with a pull-up, pressed = low, hardware/ HIL rig wiring); the runner drives it
/// low for the hold, then lets it float (input) so the device's pull-up and its real button work again.
/// </summary>
public sealed class GpioSosPresser : ISosPresser
{
    private readonly GpioController _gpio;
    private readonly int _pin;
    private Timer? _release;
    private bool _disposed;

    public GpioSosPresser(int pin)
    {
        _pin = pin;
        _gpio = new GpioController();
        _gpio.OpenPin(pin, PinMode.Input);
    }

    public void Press(int holdMilliseconds)
    {
        _gpio.SetPinMode(_pin, PinMode.Output);
        _gpio.Write(_pin, PinValue.Low);
        _release?.Dispose();
        _release = new Timer(_ => Release(), null, holdMilliseconds, Timeout.Infinite);
    }

    public void Dispose()
    {
        _release?.Dispose();
        Release();
        lock (_gpio)
        {
            _disposed = true;
            _gpio.Dispose();
        }
    }

    private void Release()
    {
        lock (_gpio)
        {
            if (!_disposed && _gpio.IsPinOpen(_pin))
            {
                _gpio.SetPinMode(_pin, PinMode.Input);
            }
        }
    }
}
