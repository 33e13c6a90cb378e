namespace Eldercare.Edge.Gateway.Store;

/// <summary>What ingest needs from the store at start-up: where each device's sequence stood.</summary>
public interface ISequenceMarkSource
{
    /// <summary>
    /// Per device and lane, the highest (boot epoch, seq) among the pending events and the last
    /// <paramref name="recentRows"/> stored: where <see cref="Ingest.SequenceTracker"/> starts after a restart.
    /// </summary>
    IReadOnlyList<SequenceMark> ReadSequenceMarks(int recentRows);
}
