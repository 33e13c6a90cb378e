namespace Eldercare.Firmware.Tests.NanoCompile;

/// <summary>
/// The compile-only declaration files in firmware/Devices/CompileOnly, one per nano package (file name = package id +
/// ".cs"). A package that a project lists but whose members it never touches needs no file.
/// </summary>
public static class CompileOnlyDeclarations
{
    public const string Folder = "firmware/Devices/CompileOnly";

    public static string PathFor(string root, string packageId) => Path.Combine(root, Folder, packageId + ".cs");

    /// <summary>The declaration files of the given packages that exist (packages without members used have none).</summary>
    public static IReadOnlyList<SourceFile> For(string root, IEnumerable<string> packageIds) =>
        packageIds
            .Select(id => PathFor(root, id))
            .Where(File.Exists)
            .OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => SourceFile.Read(root, p))
            .ToList();
}
