using System.Globalization;

namespace Eldercare.Firmware.Tools.FallEval;

/// <summary>
/// Reads a data directory laid out like ../shared/datasets/falls/: trials.csv
/// (file,subject,age_group,activity,label,trial,samples,hz) and one CSV per trial
/// (ax_mg,ay_mg,az_mg, integer milli-g). Every problem is reported with file and line.
/// </summary>
public static class TrialLoader
{
    public const string IndexHeader = "file,subject,age_group,activity,label,trial,samples,hz";
    public const string TrialHeader = "ax_mg,ay_mg,az_mg";

    /// <summary>Lowest and highest sample rate the detector supports (see FallDetectorOptions.Validate).</summary>
    public const int MinimumHertz = 10;
    public const int MaximumHertz = 400;

    public static List<Trial> Load(string directory, ISet<string>? subjects)
    {
        string indexPath = Path.Combine(directory, "trials.csv");
        if (!Directory.Exists(directory))
        {
            throw new DataFormatException($"{directory}: data directory not found");
        }

        if (!File.Exists(indexPath))
        {
            throw new DataFormatException($"{indexPath}: file not found");
        }

        string[] lines = File.ReadAllLines(indexPath);
        if (lines.Length == 0 || lines[0].Trim() != IndexHeader)
        {
            throw new DataFormatException($"{indexPath}:1: header must be '{IndexHeader}'");
        }

        var rows = new List<(string File, string Subject, string Age, string Activity, bool Fall, int Samples, int Hz, int Line)>();
        for (int n = 1; n < lines.Length; n++)
        {
            string line = lines[n];
            if (line.Length == 0)
            {
                continue;
            }

            string[] f = line.Split(',');
            int lineNumber = n + 1;
            if (f.Length != 8)
            {
                throw new DataFormatException($"{indexPath}:{lineNumber}: expected 8 fields, found {f.Length}");
            }

            bool fall = f[4] switch
            {
                "fall" => true,
                "adl" => false,
                _ => throw new DataFormatException($"{indexPath}:{lineNumber}: label '{f[4]}' must be 'fall' or 'adl'"),
            };
            if (!int.TryParse(f[6], NumberStyles.None, CultureInfo.InvariantCulture, out int samples))
            {
                throw new DataFormatException($"{indexPath}:{lineNumber}: samples '{f[6]}' is not a whole number");
            }

            if (!int.TryParse(f[7], NumberStyles.None, CultureInfo.InvariantCulture, out int hz) || hz < MinimumHertz || hz > MaximumHertz)
            {
                throw new DataFormatException(
                    $"{indexPath}:{lineNumber}: hz '{f[7]}' is not a supported sample rate ({MinimumHertz}..{MaximumHertz} Hz)");
            }

            if (f[0].Length == 0 || f[0].Contains('/') || f[0].Contains('\\') || f[0].Contains(".."))
            {
                throw new DataFormatException($"{indexPath}:{lineNumber}: file '{f[0]}' must be a plain file name");
            }

            if (subjects is null || subjects.Contains(f[1]))
            {
                rows.Add((f[0], f[1], f[2], f[3], fall, samples, hz, lineNumber));
            }
        }

        if (subjects is not null)
        {
            foreach (string subject in subjects)
            {
                if (!rows.Exists(r => r.Subject == subject))
                {
                    throw new DataFormatException($"{indexPath}: no trials of subject '{subject}'");
                }
            }
        }

        var trials = new Trial[rows.Count];
        try
        {
            LoadFiles(directory, indexPath, rows, trials);
        }
        catch (AggregateException ex) when (ex.InnerExceptions.OfType<DataFormatException>().FirstOrDefault() is { } first)
        {
            // Report one bad file, not the parallel loop's wrapper.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
        }

        return [.. trials];
    }

    private static void LoadFiles(
        string directory,
        string indexPath,
        List<(string File, string Subject, string Age, string Activity, bool Fall, int Samples, int Hz, int Line)> rows,
        Trial[] trials)
    {
        Parallel.For(0, rows.Count, i =>
        {
            var r = rows[i];
            string path = Path.Combine(directory, r.File);
            (short[] x, short[] y, short[] z) = ReadSamples(path);
            if (x.Length != r.Samples)
            {
                throw new DataFormatException(
                    $"{indexPath}:{r.Line}: samples {r.Samples} but {path} has {x.Length} data lines");
            }

            trials[i] = new Trial
            {
                File = r.File, Subject = r.Subject, AgeGroup = r.Age, Activity = r.Activity, IsFall = r.Fall,
                SampleRateHertz = r.Hz, X = x, Y = y, Z = z,
            };
        });
    }

    /// <summary>Reads one trial file; throws <see cref="DataFormatException"/> naming file and line.</summary>
    public static (short[] X, short[] Y, short[] Z) ReadSamples(string path)
    {
        if (!File.Exists(path))
        {
            throw new DataFormatException($"{path}: file not found");
        }

        byte[] bytes = File.ReadAllBytes(path);
        var x = new List<short>(bytes.Length / 12);
        var y = new List<short>(bytes.Length / 12);
        var z = new List<short>(bytes.Length / 12);
        int position = 0;
        int lineNumber = 0;
        while (position < bytes.Length)
        {
            int end = Array.IndexOf(bytes, (byte)'\n', position);
            if (end < 0)
            {
                end = bytes.Length;
            }

            int lineEnd = end > position && bytes[end - 1] == (byte)'\r' ? end - 1 : end;
            ReadOnlySpan<byte> line = bytes.AsSpan(position, lineEnd - position);
            lineNumber++;
            position = end + 1;
            if (lineNumber == 1)
            {
                if (System.Text.Encoding.ASCII.GetString(line).Trim() != TrialHeader)
                {
                    throw new DataFormatException($"{path}:1: header must be '{TrialHeader}'");
                }

                continue;
            }

            if (line.Length == 0)
            {
                continue;
            }

            int field = 0;
            int start = 0;
            for (int i = 0; i <= line.Length; i++)
            {
                if (i < line.Length && line[i] != (byte)',')
                {
                    continue;
                }

                if (field > 2)
                {
                    throw new DataFormatException($"{path}:{lineNumber}: expected 3 values, found more");
                }

                short value = ParseMilliG(line[start..i], path, lineNumber);
                (field == 0 ? x : field == 1 ? y : z).Add(value);
                field++;
                start = i + 1;
            }

            if (field != 3)
            {
                throw new DataFormatException($"{path}:{lineNumber}: expected 3 values, found {field}");
            }
        }

        if (lineNumber == 0)
        {
            throw new DataFormatException($"{path}:1: empty file, header '{TrialHeader}' expected");
        }

        return (x.ToArray(), y.ToArray(), z.ToArray());
    }

    private static short ParseMilliG(ReadOnlySpan<byte> text, string path, int lineNumber)
    {
        text = text.Trim((byte)' ');
        int i = 0;
        bool negative = false;
        if (text.Length > 0 && (text[0] == (byte)'-' || text[0] == (byte)'+'))
        {
            negative = text[0] == (byte)'-';
            i = 1;
        }

        if (i == text.Length || text.Length - i > 6)
        {
            throw new DataFormatException($"{path}:{lineNumber}: '{System.Text.Encoding.ASCII.GetString(text)}' is not an integer milli-g value");
        }

        int value = 0;
        for (; i < text.Length; i++)
        {
            int digit = text[i] - '0';
            if (digit < 0 || digit > 9)
            {
                throw new DataFormatException($"{path}:{lineNumber}: '{System.Text.Encoding.ASCII.GetString(text)}' is not an integer milli-g value");
            }

            value = (value * 10) + digit;
        }

        if (value > 32000)
        {
            throw new DataFormatException($"{path}:{lineNumber}: {value} mg is beyond the +-32 g the detector stores");
        }

        return (short)(negative ? -value : value);
    }
}
