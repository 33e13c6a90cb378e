namespace Eldercare.Firmware.Core.Kiosk
{
    /// <summary>One request the kiosk filed this boot (a service request or an SOS) and where it is.</summary>
    public sealed class KioskRequest
    {
        public KioskRequest(int sequence, string service, string card)
        {
            Sequence = sequence;
            Service = service;
            Card = card;
            State = RequestState.Sent;
        }

        /// <summary>The event's seq (this boot).</summary>
        public int Sequence { get; private set; }

        /// <summary>A <see cref="Events.ServiceCodes"/> code, or <see cref="KioskApp.SosService"/>.</summary>
        public string Service { get; private set; }

        /// <summary>The card of the session it was filed in, or null (anonymous).</summary>
        public string Card { get; private set; }

        public RequestState State { get; set; }
    }
}
