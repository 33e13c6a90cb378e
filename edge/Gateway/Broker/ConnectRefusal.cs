namespace Eldercare.Edge.Gateway.Broker;

/// <summary>Why <see cref="ConnectGuard"/> refused a CONNECT before hashing (all answered <c>connect_rate_limited</c>).</summary>
public enum ConnectRefusal
{
    None,

    /// <summary>The source address used its <c>ConnectFailuresPerAddress</c> this window.</summary>
    AddressFailing,

    /// <summary>This device id from this address used its <c>ConnectFailuresPerDeviceFromAddress</c> this window.</summary>
    DeviceFailingFromAddress,

    /// <summary>The address failed this window and the gateway's <c>FailingAddressHashesPerSecond</c> is spent.</summary>
    HashBudgetSpent,
}
