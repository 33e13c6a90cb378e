namespace Eldercare.Firmware.Tools.FallEval;

/// <summary>What a stretch of the day-of-wear stream is made of.</summary>
public enum SegmentKind
{
    /// <summary>A whole ADL recording, sample for sample.</summary>
    Recording,

    /// <summary>A quiet gap: the orientation the last recording ended in, held still with sensor noise.</summary>
    Still,

    /// <summary>A smooth turn from where the previous stretch ended to where the next recording starts.</summary>
    Transition,
}
