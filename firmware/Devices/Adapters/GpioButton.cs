using System;
using System.Device.Gpio;
using Eldercare.Firmware.Core.Hardware;

namespace Eldercare.Firmware.Devices.Adapters
{
    /// <summary>
    /// A push button to GND on a GPIO with a pull-up (a broken wire reads "released", never a phantom SOS). The core
    /// polls the level and debounces it itself (SosButton, 40 ms); the pin's DebounceTimeout filters the edges nano
    /// reports through ValueChanged, which <see cref="Pressed"/> forwards so the main loop can wake at once.
    /// </summary>
    public sealed class GpioButton : IButton
    {
        /// <summary>Contact bounce of a tactile switch settles within a few ms; 20 ms is below the core's own 40 ms.</summary>
        public const int DebounceMilliseconds = 20;

        private readonly GpioPin _pin;

        public GpioButton(GpioPin pin)
        {
            _pin = pin;
            _pin.DebounceTimeout = TimeSpan.FromMilliseconds(DebounceMilliseconds);
            _pin.ValueChanged += OnValueChanged;
        }

        /// <summary>Raised on the pin's falling edge (press), on nano's event thread.</summary>
        public event EventHandler Pressed;

        public bool IsPressed
        {
            get { return _pin.Read() == PinValue.Low; }
        }

        private void OnValueChanged(object sender, PinValueChangedEventArgs e)
        {
            EventHandler handler = Pressed;
            if (handler != null && e.ChangeType == PinEventTypes.Falling)
            {
                handler(this, EventArgs.Empty);
            }
        }
    }
}
