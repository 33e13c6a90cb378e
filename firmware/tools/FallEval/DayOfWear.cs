using Eldercare.Firmware.Core.Falls;

namespace Eldercare.Firmware.Tools.FallEval;

/// <summary>
/// "Day of wear": a continuous 24 h stream of one held-out subject, stitched from the ADL
/// recordings of the test fold's subjects only (the subject's own first, else another test-fold
/// subject of the same age group), as many of each as <see cref="DailyActivityTable"/> says an
/// older person does in a day, in random order, with quiet gaps (the last orientation held, with
/// sensor noise) and smooth turns between them (no orientation step the sensor could not make).
/// The last 8 h are the night: the bed recordings (turning over) spread over it. The stream goes
/// sample by sample through the device's <see cref="FallDetector"/>, which sees every transition
/// a single trial lacks; every detection in it is a false alarm. Deterministic for a seed.
/// </summary>
public static class DayOfWear
{
    /// <summary>Per-axis sensor noise of a quiet gap, milli-g (about the ADXL345's at 50 Hz).</summary>
    private const int NoiseMilliG = 4;

    /// <summary>A turn takes 3 s per 90 degrees (sitting up, lying down), at least 1 s.</summary>
    private const double TransitionSecondsPer90Degrees = 3.0;

    /// <summary>
    /// Plans one day of <paramref name="subject"/> from <paramref name="pool"/> (the ADL trials of
    /// the test fold only: nothing else is ever drawn).
    /// </summary>
    public static DayPlan Build(IReadOnlyList<Trial> pool, string subject, int seed)
    {
        var rng = new Random(seed);
        Trial[] own = [.. pool.Where(t => !t.IsFall && t.Subject == subject)];
        if (own.Length == 0)
        {
            throw new ArgumentException($"no ADL trial of {subject} in the pool", nameof(pool));
        }

        string age = own[0].AgeGroup;
        int rate = own[0].SampleRateHertz;
        Trial[] group = [.. pool.Where(t => !t.IsFall && t.AgeGroup == age && t.SampleRateHertz == rate)];
        var day = new List<(string Activity, Trial Trial)>();
        var night = new List<(string Activity, Trial Trial)>();
        var missing = new List<string>();
        foreach (var (row, activity, perDay) in DailyActivityTable.For(new HashSet<string>(pool.Select(t => t.Activity), StringComparer.Ordinal)))
        {
            Trial[] choices = [.. own.Where(t => t.Activity == activity)];
            if (choices.Length == 0)
            {
                choices = [.. group.Where(t => t.Activity == activity)];
            }

            if (choices.Length == 0)
            {
                missing.Add(activity);
                continue;
            }

            var target = row.Night ? night : day;
            if (row.Minutes)
            {
                double seconds = 0;
                while (seconds < perDay * 60)
                {
                    Trial t = choices[rng.Next(choices.Length)];
                    target.Add((activity, t));
                    seconds += t.Length / (double)rate;
                }
            }
            else
            {
                int count = (int)Math.Round(perDay, MidpointRounding.AwayFromZero);
                for (int i = 0; i < count; i++)
                {
                    target.Add((activity, choices[rng.Next(choices.Length)]));
                }
            }
        }

        Shuffle(day, rng);
        Shuffle(night, rng);
        var segments = new List<Segment>();
        long start = 0;
        Vector end = Vector.Start(day.Count > 0 ? day[0].Trial : night.Count > 0 ? night[0].Trial : own[0]);
        Lay(segments, day, (long)(DailyActivityTable.DaySeconds - DailyActivityTable.NightSeconds) * rate, rate, rng, ref start, ref end);
        Lay(segments, night, (long)DailyActivityTable.NightSeconds * rate, rate, rng, ref start, ref end);
        return new DayPlan { Subject = subject, AgeGroup = age, Seed = seed, SampleRateHertz = rate, Segments = segments, Missing = missing };
    }

    /// <summary>Streams the plan's samples (milli-g) to <paramref name="sink"/> in order, one call per sample.</summary>
    public static void Stream(DayPlan plan, Action<short, short, short> sink)
    {
        uint noise = (uint)plan.Seed | 1u;
        Vector previous = Vector.Start(FirstTrial(plan));
        for (int s = 0; s < plan.Segments.Count; s++)
        {
            Segment segment = plan.Segments[s];
            switch (segment.Kind)
            {
                case SegmentKind.Recording:
                    Trial t = segment.Trial!;
                    for (int i = t.Offset; i < t.Length; i++)
                    {
                        sink(t.X[i], t.Y[i], t.Z[i]);
                    }

                    previous = Vector.End(t);
                    break;
                case SegmentKind.Still:
                    for (int i = 0; i < segment.Length; i++)
                    {
                        sink(Noisy(previous.X, ref noise), Noisy(previous.Y, ref noise), Noisy(previous.Z, ref noise));
                    }

                    break;
                default:
                    Vector next = Vector.Start(NextTrial(plan, s));
                    for (int i = 0; i < segment.Length; i++)
                    {
                        double f = (i + 1) / (double)(segment.Length + 1);
                        Vector v = Vector.Between(previous, next, f * f * (3 - (2 * f)));
                        sink(Noisy(v.X, ref noise), Noisy(v.Y, ref noise), Noisy(v.Z, ref noise));
                    }

                    break;
            }
        }
    }

    /// <summary>Streams one planned day through a fresh detector; the impact index of every detection.</summary>
    public static List<long> Run(DayPlan plan, FallDetectorOptions options) => [.. Detections(plan, options).Select(d => d.Impact)];

    /// <summary>Streams a plan through a fresh detector; every detection's impact and decision sample.</summary>
    public static List<(long Impact, long Decision)> Detections(DayPlan plan, FallDetectorOptions options)
    {
        options.SampleRateHertz = plan.SampleRateHertz;
        var detector = new FallDetector(Evaluator.WithMath(options));
        var detections = new List<(long, long)>();
        Stream(plan, (x, y, z) =>
        {
            if (detector.AddSample(x / 1000f, y / 1000f, z / 1000f))
            {
                detections.Add((detector.LastImpactSampleIndex, detector.LastDetectionSampleIndex));
            }
        });
        return detections;
    }

    /// <summary>
    /// A fall inside a worn day: <paramref name="day"/> up to a recording picked by
    /// <paramref name="seed"/> among its daytime ones, from the last walk before it (the device
    /// has learnt its axis there and kept it since), then a turn into <paramref name="fall"/>.
    /// The fall's samples start at the returned plan's last segment.
    /// </summary>
    public static DayPlan WithFallAfter(DayPlan day, Trial fall, int seed)
    {
        var rng = new Random(seed);
        long nightStart = (long)(DailyActivityTable.DaySeconds - DailyActivityTable.NightSeconds) * day.SampleRateHertz;
        int[] daytime = [.. Enumerable.Range(0, day.Segments.Count).Where(i => day.Segments[i].Kind == SegmentKind.Recording && day.Segments[i].Start < nightStart)];
        int cut = daytime[rng.Next(daytime.Length)];
        int first = cut;
        while (first > 0 && !IsWalk(day.Segments[first]))
        {
            first--;
        }

        first = IsWalk(day.Segments[first]) ? first : cut;
        var segments = new List<Segment>();
        long start = 0;
        for (int i = first; i <= cut; i++)
        {
            Segment s = day.Segments[i];
            segments.Add(s with { Start = start });
            start += s.Length;
        }

        int turn = TurnSamples(Vector.End(day.Segments[cut].Trial!), Vector.Start(fall), day.SampleRateHertz);
        segments.Add(new Segment(SegmentKind.Transition, "turn", null, start, turn));
        segments.Add(new Segment(SegmentKind.Recording, fall.Activity, fall, start + turn, fall.Length - fall.Offset));
        return new DayPlan { Subject = day.Subject, AgeGroup = day.AgeGroup, Seed = seed, SampleRateHertz = day.SampleRateHertz, Segments = segments, Missing = [] };
    }

    private static bool IsWalk(Segment s) => s.Kind == SegmentKind.Recording && s.Activity is "D01" or "D02" or "Walking";

    private static void Lay(List<Segment> segments, List<(string Activity, Trial Trial)> items, long budget, int rate, Random rng, ref long start, ref Vector end)
    {
        // Gaps share what the recordings and turns leave of the part of the day, by
        // exponential weights (random arrival times); one gap before each recording.
        long busy = items.Sum(i => (long)(i.Trial.Length - i.Trial.Offset));
        double[] weights = [.. items.Select(_ => -Math.Log(1 - rng.NextDouble()))];
        double total = weights.Sum();
        long turns = 0;
        Vector probe = end;
        foreach (var item in items)
        {
            turns += TurnSamples(probe, Vector.Start(item.Trial), rate);
            probe = Vector.End(item.Trial);
        }

        long quiet = Math.Max(0, budget - busy - turns);
        for (int k = 0; k < items.Count; k++)
        {
            Trial t = items[k].Trial;
            int gap = (int)(quiet * weights[k] / total);
            if (gap > 0)
            {
                segments.Add(new Segment(SegmentKind.Still, "still", null, start, gap));
                start += gap;
            }

            int turn = TurnSamples(end, Vector.Start(t), rate);
            segments.Add(new Segment(SegmentKind.Transition, "turn", null, start, turn));
            start += turn;
            segments.Add(new Segment(SegmentKind.Recording, items[k].Activity, t, start, t.Length - t.Offset));
            start += t.Length - t.Offset;
            end = Vector.End(t);
        }
    }

    private static int TurnSamples(Vector from, Vector to, int rate)
    {
        double seconds = Math.Max(1.0, TransitionSecondsPer90Degrees * from.AngleDegrees(to) / 90.0);
        return (int)(seconds * rate);
    }

    private static Trial FirstTrial(DayPlan plan) => plan.Segments.First(s => s.Kind == SegmentKind.Recording).Trial!;

    private static Trial NextTrial(DayPlan plan, int index)
    {
        for (int s = index + 1; s < plan.Segments.Count; s++)
        {
            if (plan.Segments[s].Kind == SegmentKind.Recording)
            {
                return plan.Segments[s].Trial!;
            }
        }

        throw new InvalidOperationException("a turn must lead to a recording");
    }

    private static void Shuffle<T>(List<T> items, Random rng)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>A value plus triangular noise of +/- <see cref="NoiseMilliG"/> (xorshift32: cheap and reproducible).</summary>
    private static short Noisy(double milliG, ref uint state)
    {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        int a = (int)(state % (2 * NoiseMilliG + 1)) - NoiseMilliG;
        int b = (int)((state >> 16) % (2 * NoiseMilliG + 1)) - NoiseMilliG;
        return (short)Math.Round(milliG + ((a + b) / 2.0));
    }

    /// <summary>Mean acceleration vector (milli-g) of the first or last half second of a recording.</summary>
    private readonly record struct Vector(double X, double Y, double Z)
    {
        public double Norm => Math.Sqrt((X * X) + (Y * Y) + (Z * Z));

        public static Vector Start(Trial t) => Mean(t, t.Offset, Math.Min(t.Length, t.Offset + (t.SampleRateHertz / 2)));

        public static Vector End(Trial t) => Mean(t, Math.Max(t.Offset, t.Length - (t.SampleRateHertz / 2)), t.Length);

        public double AngleDegrees(Vector o)
        {
            double n = Norm * o.Norm;
            return n < 1e-9 ? 0 : Math.Acos(Math.Clamp(((X * o.X) + (Y * o.Y) + (Z * o.Z)) / n, -1, 1)) * 180 / Math.PI;
        }

        /// <summary>Direction and magnitude interpolated separately, so |a| stays near 1 g through the turn.</summary>
        public static Vector Between(Vector a, Vector b, double f)
        {
            double na = Math.Max(a.Norm, 1e-9);
            double nb = Math.Max(b.Norm, 1e-9);
            double x = ((1 - f) * a.X / na) + (f * b.X / nb);
            double y = ((1 - f) * a.Y / na) + (f * b.Y / nb);
            double z = ((1 - f) * a.Z / na) + (f * b.Z / nb);
            double n = Math.Sqrt((x * x) + (y * y) + (z * z));
            if (n < 0.05)
            {
                // Opposite directions: turn through a perpendicular instead of through zero.
                (x, y, z) = (a.Y / na, -a.X / na, 0.3);
                n = Math.Sqrt((x * x) + (y * y) + (z * z));
            }

            double magnitude = ((1 - f) * na) + (f * nb);
            return new Vector(x / n * magnitude, y / n * magnitude, z / n * magnitude);
        }

        private static Vector Mean(Trial t, int from, int to)
        {
            double x = 0;
            double y = 0;
            double z = 0;
            int n = Math.Max(1, to - from);
            for (int i = from; i < to; i++)
            {
                x += t.X[i];
                y += t.Y[i];
                z += t.Z[i];
            }

            return to <= from ? new Vector(0, 0, 1000) : new Vector(x / n, y / n, z / n);
        }
    }
}
