using System.Text.RegularExpressions;

namespace Eldercare.Edge.Tests.Deployment;

/// <summary>What a Dockerfile says about the image it builds, read as text (no docker here): its stages, its final
/// stage's user, volume, exposed ports, environment and title label.</summary>
internal sealed partial record DockerfileFacts(
    IReadOnlyList<string> Stages,
    string? User,
    string Volume,
    IReadOnlySet<string> Exposed,
    IReadOnlyDictionary<string, string> Environment,
    string? Title,
    IReadOnlyList<string> RunLines,
    IReadOnlyList<string> CopySources)
{
    public static DockerfileFacts Parse(string dockerfile)
    {
        // Continuation lines joined, comments dropped: one instruction per entry.
        var instructions = Regex.Replace(dockerfile, @"\\\r?\n", " ").Split('\n')
            .Select(line => line.Trim()).Where(line => line.Length > 0 && !line.StartsWith('#')).ToList();
        var stages = new List<string>();
        string? user = null;
        var volume = string.Empty;
        var exposed = new HashSet<string>(StringComparer.Ordinal);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        string? title = null;
        var runs = new List<string>();
        var copies = new List<string>();
        foreach (var instruction in instructions)
        {
            var (keyword, rest) = instruction.IndexOf(' ') is var space and > 0 ? (instruction[..space].ToUpperInvariant(), instruction[(space + 1)..].Trim()) : (instruction.ToUpperInvariant(), string.Empty);
            switch (keyword)
            {
                case "FROM":
                    stages.Add(rest);
                    // Only the final stage's settings describe the image.
                    user = null;
                    volume = string.Empty;
                    exposed.Clear();
                    environment.Clear();
                    title = null;
                    break;
                case "USER":
                    user = rest.Split(':')[0];
                    break;
                case "VOLUME":
                    volume = rest.Trim('[', ']', '"', ' ');
                    break;
                case "EXPOSE":
                    foreach (var port in rest.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    {
                        exposed.Add(port.Split('/')[0]);
                    }

                    break;
                case "ENV":
                    foreach (Match pair in EnvPair().Matches(rest))
                    {
                        environment[pair.Groups["key"].Value] = pair.Groups["value"].Value.Trim('"');
                    }

                    break;
                case "LABEL":
                    var label = TitleLabel().Match(rest);
                    title = label.Success ? label.Groups["title"].Value : title;
                    break;
                case "RUN":
                    runs.Add(rest);
                    break;
                case "COPY" when !rest.StartsWith("--from", StringComparison.Ordinal):
                    var parts = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    copies.AddRange(parts[..^1]);
                    break;
            }
        }

        return new DockerfileFacts(stages, user, volume, exposed, environment, title, runs, copies);
    }

    /// <summary>A RUN of the final stage gives <see cref="Volume"/> to <paramref name="uid"/> (else the store is not writable).</summary>
    public bool ChownsVolumeTo(string uid) =>
        RunLines.Any(run => run.Contains($"chown {uid}", StringComparison.Ordinal) && run.Contains(Volume, StringComparison.Ordinal));

    [GeneratedRegex(@"(?<key>[A-Za-z_][A-Za-z0-9_]*)=(?<value>""[^""]*""|\S+)")]
    private static partial Regex EnvPair();

    [GeneratedRegex(@"org\.opencontainers\.image\.title=""?(?<title>[^""\s]+)")]
    private static partial Regex TitleLabel();
}
