namespace Eldercare.Firmware.Core.Hardware
{
    /// <summary>
    /// A push button read by polling. The raw level bounces (a few ms on a tactile
    /// switch); debouncing is the core's job (<see cref="Sos.SosButton"/>), not the driver's.
    /// </summary>
    public interface IButton
    {
        /// <summary>Raw level: true while the button is held down.</summary>
        bool IsPressed { get; }
    }
}
