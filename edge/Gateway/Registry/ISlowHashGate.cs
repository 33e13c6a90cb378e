namespace Eldercare.Edge.Gateway.Registry;

/// <summary>
/// Decides whether one CONNECT may cost a PBKDF2 verification. <see cref="DeviceAuthenticator"/> asks once a
/// verification slot is free (not when the CONNECT arrives: attempts queued behind a failing one must see that
/// failure) and reports the outcome before it frees the slot, for the same reason.
/// </summary>
public interface ISlowHashGate
{
    /// <summary>True: run the verification now. False: refuse the CONNECT without hashing.</summary>
    bool MayStart();

    /// <summary>The outcome of a verification that ran, or a refusal found after the slot was taken.</summary>
    void Finished(bool ok);
}
