namespace Eldercare.CloudStub;

/// <summary>Configuration section <c>CloudStub</c>. The listen address comes from <c>--urls</c> (default http://127.0.0.1:5080).</summary>
public sealed class CloudStubOptions
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>When set, <c>X-Api-Key</c> must carry it on /api/* (401 otherwise).</summary>
    public string? ApiKey { get; init; }

    /// <summary>Directory of <c>cloud.db</c>.</summary>
    public string DataDirectory { get; init; } = "./cloud-data";

    /// <summary>Events per batch at most (wire format: 1000); more is 413.</summary>
    public int MaxBatchEvents { get; init; } = 1000;

    /// <summary>Request body limit; more is 413.</summary>
    public long MaxBodyBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Print one ALARM line per stored alarm (the demo's live view).</summary>
    public bool PrintAlarms { get; init; } = true;

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            yield return "CloudStub:DataDirectory is required";
        }

        if (MaxBatchEvents < 1)
        {
            yield return "CloudStub:MaxBatchEvents must be >= 1";
        }

        if (MaxBodyBytes < 1024)
        {
            yield return "CloudStub:MaxBodyBytes must be >= 1024";
        }
    }
}
