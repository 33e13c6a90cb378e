using System.Diagnostics;
using Eldercare.Firmware.Core.Hardware;
using Eldercare.Firmware.Core.Kiosk;

namespace Eldercare.Firmware.Devices.Adapters
{
    /// <summary>
    /// Stand-in for the kiosk's screen until its panel is chosen: the same lines the screen would show, on the debug
    /// output (Visual Studio's Output window or the serial console). The core already masks the card to 4 digits.
    /// </summary>
    public sealed class DebugKioskDisplay : IKioskDisplay
    {
        public void ShowSession(bool open, string maskedCard)
        {
            Debug.WriteLine(open ? "session open, card " + maskedCard : "session closed");
        }

        public void ShowRequest(string service, RequestState state)
        {
            Debug.WriteLine(service + ": " + StateText(state));
        }

        public void ShowAlreadyRequested(string service)
        {
            Debug.WriteLine(service + ": already requested");
        }

        private static string StateText(RequestState state)
        {
            // Enum.ToString() gives the number on nanoFramework: name each state here.
            switch (state)
            {
                case RequestState.Sent:
                    return "sent";
                case RequestState.NotDeliveredYet:
                    return "not delivered yet";
                case RequestState.Received:
                    return "received";
                case RequestState.Accepted:
                    return "accepted";
                default:
                    return "unknown";
            }
        }
    }
}
