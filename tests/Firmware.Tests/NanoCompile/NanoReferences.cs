using System.Reflection;
using Microsoft.CodeAnalysis;

namespace Eldercare.Firmware.Tests.NanoCompile;

/// <summary>
/// nanoFramework's real base library: <c>lib/mscorlib.dll</c> of the nanoFramework.CoreLibrary package that this test
/// project restores (PackageReference with GeneratePathProperty; the path is baked into this assembly's metadata as
/// NanoCoreLibraryPackage at build time). Nothing else from nanoFramework is on NuGet here (../shared/NANOFRAMEWORK.md).
/// </summary>
public static class NanoReferences
{
    public const string PackageId = "nanoFramework.CoreLibrary";
    public const string PackageVersion = "1.17.11";
    private const string MetadataKey = "NanoCoreLibraryPackage";

    private static readonly Lazy<MetadataReference> Loaded = new(Load);

    /// <summary>The real nano mscorlib; throws with what to do when the package is not restored.</summary>
    public static MetadataReference Mscorlib => Loaded.Value;

    /// <summary>Where mscorlib.dll must be, from the restored package's folder.</summary>
    public static string MscorlibPath()
    {
        string? packageFolder = typeof(NanoReferences).Assembly
            .GetCustomAttributes<AssemblyMetadataAttribute>()
            .Where(a => a.Key == MetadataKey)
            .Select(a => a.Value)
            .FirstOrDefault();
        if (string.IsNullOrEmpty(packageFolder))
        {
            throw new InvalidOperationException(
                "the " + PackageId + " package path is not known: tests/Firmware.Tests must reference " + PackageId + " "
                + PackageVersion + " with GeneratePathProperty=\"true\" (restore it with 'dotnet restore Devices.sln')");
        }

        return Path.Combine(packageFolder, "lib", "mscorlib.dll");
    }

    private static MetadataReference Load() => Load(MscorlibPath());

    /// <summary>The mscorlib at <paramref name="path"/>; a missing file fails with what to restore.</summary>
    public static MetadataReference Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                "nanoFramework's mscorlib.dll is missing at " + path + ": restore " + PackageId + " " + PackageVersion
                + " ('dotnet restore Devices.sln'; NuGet must serve the package)", path);
        }

        return MetadataReference.CreateFromFile(path);
    }
}
