namespace Eldercare.Firmware.Core.Hardware
{
    /// <summary>
    /// A contactless card reader (RC522 over SPI, PN532): polled, it reports the UID of the card in its field.
    /// The driver does the anticollision and select; the core decides what a tap is and what a UID may be.
    /// </summary>
    public interface ICardReader
    {
        /// <summary>
        /// Writes the UID of the card in the field into <paramref name="buffer"/> (at least 16 bytes) and returns its
        /// length; 0 when no card is there; a negative number when the read failed (CRC error, card pulled away).
        /// </summary>
        int ReadUid(byte[] buffer);
    }
}
