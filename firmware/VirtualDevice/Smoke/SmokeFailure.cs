namespace Eldercare.VirtualDevice.Smoke;

/// <summary>A smoke flow did not see what it expected; the message says what, for the <c>FAIL (...)</c> line.</summary>
public sealed class SmokeFailure(string reason) : Exception(reason);
