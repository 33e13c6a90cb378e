namespace Eldercare.Edge.Gateway.Store;

/// <summary>The highest (boot epoch, seq) the store holds for one device and lane.</summary>
public readonly record struct SequenceMark(string DeviceId, string Lane, int BootEpoch, int Sequence);
