namespace Eldercare.Firmware.Core.Hardware
{
    /// <summary>
    /// The kiosk's status LED or small display: what the elder standing in front of it is told. The core says what
    /// happened; the driver decides how it looks (a line of text, a colour, an icon per service).
    /// </summary>
    public interface IKioskDisplay
    {
        /// <summary>A card session opened (<paramref name="open"/>) or ended; <paramref name="maskedCard"/> shows only the last 4 hex digits.</summary>
        void ShowSession(bool open, string maskedCard);

        /// <summary>
        /// The state of one request: <paramref name="service"/> is a <see cref="Events.ServiceCodes"/> code, or "sos".
        /// </summary>
        void ShowRequest(string service, Kiosk.RequestState state);

        /// <summary>The same service was already requested in this session: nothing new was filed.</summary>
        void ShowAlreadyRequested(string service);
    }
}
