namespace Eldercare.TestSupport;

/// <summary>Where the repository and the built deployables are, seen from a test binary.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>Debug or Release: the configuration the tests themselves were built in.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    public static string GatewayDll => Path.Combine(Root, "edge", "Gateway", "bin", Configuration, "net10.0", "Eldercare.Edge.Gateway.dll");

    public static string CloudStubDll => Path.Combine(Root, "cloud-stub", "CloudStub", "bin", Configuration, "net10.0", "Eldercare.CloudStub.dll");

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Devices.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Devices.sln not found above " + AppContext.BaseDirectory);
    }
}
