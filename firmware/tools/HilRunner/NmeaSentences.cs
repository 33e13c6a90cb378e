namespace Eldercare.Firmware.Tools.HilRunner;

/// <summary>Reads the sentences of a recorded NMEA log (../shared/datasets/gnss): lines starting with '$', at most 80 characters, ASCII.</summary>
public static class NmeaSentences
{
    public static IReadOnlyList<string> Load(string path, int maximum)
    {
        var sentences = new List<string>();
        foreach (string raw in File.ReadLines(path))
        {
            string line = raw.TrimEnd('\r', '\n');
            int dollar = line.IndexOf('$', StringComparison.Ordinal);
            if (dollar < 0)
            {
                continue;
            }

            // Some logs prefix each sentence with a timestamp; the sentence is what follows '$'.
            string sentence = line[dollar..];
            if (sentence.Length > 80 || sentence.Any(c => c < 0x20 || c > 0x7E))
            {
                continue;
            }

            sentences.Add(sentence);
            if (sentences.Count == maximum)
            {
                break;
            }
        }

        if (sentences.Count == 0)
        {
            throw new Eldercare.Firmware.Tools.FallEval.DataFormatException($"{path}: no NMEA sentence found");
        }

        return sentences;
    }
}
