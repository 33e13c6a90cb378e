namespace Eldercare.Firmware.Core.Hardware
{
    /// <summary>LED, vibration motor or buzzer: the device's way to tell the elder what happened.</summary>
    public interface IIndicator
    {
        void Show(IndicatorPattern pattern);
    }
}
