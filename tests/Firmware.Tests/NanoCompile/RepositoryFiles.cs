namespace Eldercare.Firmware.Tests.NanoCompile;

/// <summary>Finds the repository root (the folder with Devices.sln) and the firmware's source files in it.</summary>
public static class RepositoryFiles
{
    public static string Root()
    {
        DirectoryInfo? directory = new(AppContext.BaseDirectory);
        while (directory != null)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Devices.sln")))
            {
                return directory.FullName;
            }

            directory = directory.Parent;
        }

        throw new InvalidOperationException("Devices.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Every .cs file under a folder, build output excluded (the same files the .projitems glob takes), in a stable order.</summary>
    public static IReadOnlyList<SourceFile> Sources(string root, string folder)
    {
        string directory = Path.Combine(root, folder);
        return Directory.GetFiles(directory, "*.cs", SearchOption.AllDirectories)
            .Where(f => !IsBuildOutput(directory, f))
            .OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => SourceFile.Read(root, f))
            .ToList();
    }

    private static bool IsBuildOutput(string directory, string file)
    {
        string relative = "/" + Path.GetRelativePath(directory, file).Replace('\\', '/');
        return relative.Contains("/bin/", StringComparison.Ordinal) || relative.Contains("/obj/", StringComparison.Ordinal);
    }
}
