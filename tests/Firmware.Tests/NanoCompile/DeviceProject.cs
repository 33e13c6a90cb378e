using System.Xml.Linq;

namespace Eldercare.Firmware.Tests.NanoCompile;

/// <summary>
/// A device's .nfproj and packages.config, read the way the nanoFramework project system reads them: the Compile items
/// (own files and links), the shared projects it imports (.projitems, whose items are a glob of their folder), the
/// References' HintPaths, and the packages with their versions.
/// </summary>
public sealed class DeviceProject
{
    private static readonly XNamespace Msbuild = "http://schemas.microsoft.com/developer/msbuild/2003";

    private DeviceProject(string name, string projectPath, IReadOnlyList<string> compileFiles, IReadOnlyList<string> importedSharedProjects, IReadOnlyList<string> hintPaths, IReadOnlyDictionary<string, string> packages, string outputType, string langVersion)
    {
        Name = name;
        ProjectPath = projectPath;
        CompileFiles = compileFiles;
        ImportedSharedProjects = importedSharedProjects;
        HintPaths = hintPaths;
        Packages = packages;
        OutputType = outputType;
        LangVersion = langVersion;
    }

    public string Name { get; }

    public string ProjectPath { get; }

    /// <summary>Full paths of the project's own Compile items (links resolved).</summary>
    public IReadOnlyList<string> CompileFiles { get; }

    /// <summary>Full paths of the imported .projitems.</summary>
    public IReadOnlyList<string> ImportedSharedProjects { get; }

    public IReadOnlyList<string> HintPaths { get; }

    /// <summary>packages.config: id to version.</summary>
    public IReadOnlyDictionary<string, string> Packages { get; }

    public string OutputType { get; }

    public string LangVersion { get; }

    public static DeviceProject Load(string root, string name)
    {
        string folder = Path.Combine(root, "firmware", "Devices", name);
        string projectPath = Path.Combine(folder, name + ".nfproj");
        XDocument project = XDocument.Load(projectPath);
        var compile = project.Descendants(Msbuild + "Compile")
            .Select(e => FullPath(folder, (string?)e.Attribute("Include") ?? ""))
            .ToList();
        var imports = project.Descendants(Msbuild + "Import")
            .Select(e => (string?)e.Attribute("Project") ?? "")
            .Where(p => p.EndsWith(".projitems", StringComparison.OrdinalIgnoreCase))
            .Select(p => FullPath(folder, p))
            .ToList();
        var hints = project.Descendants(Msbuild + "HintPath").Select(e => e.Value.Trim().Replace('\\', '/')).ToList();
        string outputType = project.Descendants(Msbuild + "OutputType").Select(e => e.Value).FirstOrDefault() ?? "";
        string langVersion = project.Descendants(Msbuild + "LangVersion").Select(e => e.Value).FirstOrDefault() ?? "";

        XDocument config = XDocument.Load(Path.Combine(folder, "packages.config"));
        var packages = config.Descendants("package")
            .ToDictionary(e => (string)e.Attribute("id")!, e => (string)e.Attribute("version")!, StringComparer.Ordinal);
        return new DeviceProject(name, projectPath, compile, imports, hints, packages, outputType, langVersion);
    }

    /// <summary>Every source the nano build compiles: own items, then each shared project's folder (its **\*.cs glob minus bin/obj).</summary>
    public IReadOnlyList<SourceFile> Sources(string root)
    {
        var files = new List<SourceFile>();
        foreach (string file in CompileFiles)
        {
            if (!File.Exists(file))
            {
                throw new FileNotFoundException(ProjectPath + " compiles " + file + ", which does not exist", file);
            }

            files.Add(SourceFile.Read(root, file));
        }

        foreach (string shared in ImportedSharedProjects)
        {
            string sharedFolder = Path.GetRelativePath(root, Path.GetDirectoryName(shared)!);
            files.AddRange(RepositoryFiles.Sources(root, sharedFolder));
        }

        return files;
    }

    private static string FullPath(string folder, string include) =>
        Path.GetFullPath(Path.Combine(folder, include.Replace('\\', Path.DirectorySeparatorChar)));
}
