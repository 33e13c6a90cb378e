namespace Eldercare.Firmware.Tools.FallEval;

/// <summary>
/// One simulated day of one held-out subject (<see cref="DayOfWear.Build"/>): the segments in
/// order, the seed that made them (the quiet gaps' noise is drawn from it again when streamed),
/// and the activities of the table that this subject's group had no recording of.
/// </summary>
public sealed class DayPlan
{
    public required string Subject { get; init; }

    public required string AgeGroup { get; init; }

    public required int Seed { get; init; }

    public required int SampleRateHertz { get; init; }

    public required List<Segment> Segments { get; init; }

    public required List<string> Missing { get; init; }

    public long Length => Segments.Count == 0 ? 0 : Segments[^1].Start + Segments[^1].Length;

    public double Days => Length / (double)SampleRateHertz / DailyActivityTable.DaySeconds;

    /// <summary>The segment holding sample <paramref name="index"/> (binary search), or null past the end.</summary>
    public Segment? At(long index)
    {
        int low = 0;
        int high = Segments.Count - 1;
        while (low <= high)
        {
            int mid = (low + high) / 2;
            Segment s = Segments[mid];
            if (index < s.Start)
            {
                high = mid - 1;
            }
            else if (index >= s.Start + s.Length)
            {
                low = mid + 1;
            }
            else
            {
                return s;
            }
        }

        return null;
    }
}
