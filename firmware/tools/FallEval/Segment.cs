namespace Eldercare.Firmware.Tools.FallEval;

/// <summary>One stretch of a day: samples [Start, Start + Length) of the stream.</summary>
public sealed record Segment(SegmentKind Kind, string Activity, Trial? Trial, long Start, int Length);
