namespace Eldercare.Firmware.Core.Sos
{
    /// <summary>What <see cref="SosButton"/> recognised on this update.</summary>
    public enum ButtonGesture
    {
        None = 0,

        /// <summary>Held for the long-press time: raise SOS (reported while still held, so help is not delayed by the release).</summary>
        LongPress = 1,

        /// <summary>Pressed and released before the long-press time: cancels an alarm within its window.</summary>
        ShortPress = 2,
    }
}
