namespace Eldercare.Firmware.Core.Kiosk
{
    /// <summary>Where a kiosk request is, as the elder is shown it.</summary>
    public enum RequestState
    {
        /// <summary>Filed and being sent.</summary>
        Sent = 1,

        /// <summary>The link is down: the outbox keeps it and sends it when the link returns.</summary>
        NotDeliveredYet = 2,

        /// <summary>The gateway stored it (its PUBACK).</summary>
        Received = 3,

        /// <summary>A person (the platform, the service center) accepted it (an acknowledgement downlink).</summary>
        Accepted = 4,
    }
}
