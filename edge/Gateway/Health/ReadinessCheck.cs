namespace Eldercare.Edge.Gateway.Health;

/// <summary>
/// One thing <c>/health/ready</c> looks at (store, broker, upstream): <see cref="Check"/> says whether it is ready and
/// why (a sentence an operator can act on, with figures).
/// </summary>
public sealed record ReadinessCheck(string Name, Func<ReadinessFinding> Check);

/// <summary>A check's answer: ready or not, and the detail either way.</summary>
public sealed record ReadinessFinding(bool Ready, string Detail)
{
    public static ReadinessFinding Ok(string detail) => new(true, detail);

    public static ReadinessFinding NotReady(string detail) => new(false, detail);
}
