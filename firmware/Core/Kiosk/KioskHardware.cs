using Eldercare.Firmware.Core.Hardware;

namespace Eldercare.Firmware.Core.Kiosk
{
    /// <summary>What a kiosk is wired to (hardware/README.md "Kiosk"): one SOS button, six service buttons, a card reader, a display and a buzzer.</summary>
    public sealed class KioskHardware
    {
        public KioskHardware(IClock clock, IStorage storage, IMqttLink link, IButton sosButton, IButton[] serviceButtons, ICardReader cardReader, IKioskDisplay display, IIndicator buzzer)
        {
            Clock = clock;
            Storage = storage;
            Link = link;
            SosButton = sosButton;
            ServiceButtons = serviceButtons;
            CardReader = cardReader;
            Display = display;
            Buzzer = buzzer;
        }

        public IClock Clock { get; private set; }

        public IStorage Storage { get; private set; }

        public IMqttLink Link { get; private set; }

        public IButton SosButton { get; private set; }

        /// <summary>One per 六助 service, in <see cref="Events.ServiceCodes.ByButton"/> order.</summary>
        public IButton[] ServiceButtons { get; private set; }

        public ICardReader CardReader { get; private set; }

        public IKioskDisplay Display { get; private set; }

        public IIndicator Buzzer { get; private set; }

        /// <summary>Optional: the Wi-Fi radio, for the heartbeat's signal strength (none without it).</summary>
        public IRadio Radio { get; set; }
    }
}
