namespace Eldercare.CloudStub;

public enum FaultMode
{
    None,

    /// <summary>Answer 500 to every batch.</summary>
    Fail,

    /// <summary>Wait <c>stallMs</c> before handling each batch.</summary>
    Stall,

    /// <summary>Store only the first half of each batch (rounded up) and answer for those only.</summary>
    Partial,
}
