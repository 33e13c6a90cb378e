using Microsoft.CodeAnalysis;

namespace Eldercare.Firmware.Tests.NanoCompile;

/// <summary>
/// The shared core compiled as the nanoFramework project system compiles it (C# 9.0) against nano's REAL mscorlib from
/// nanoFramework.CoreLibrary 1.17.11, plus compile-only declarations of the two other nano libraries it uses
/// (firmware/Devices/CompileOnly: System.Math, System.Text). A base-library member or overload that nano does not have
/// fails here, not on the device; the emitted assembly must hold no generics (the 1.x runtime has none).
/// </summary>
[TestClass]
public sealed class NanoCompileTests
{
    /// <summary>The nano libraries the core itself uses; every device project's packages.config carries them.</summary>
    public static readonly string[] CoreLibraries = ["nanoFramework.System.Math", "nanoFramework.System.Text"];

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [TestCategory("Unit")]
    public void NanoMscorlib_FromRestoredPackage_IsNanosOwnBaseLibrary()
    {
        // Arrange
        string path = NanoReferences.MscorlibPath();

        // Act
        bool exists = File.Exists(path);

        // Assert
        Assert.IsTrue(exists, "missing " + path + ": restore " + NanoReferences.PackageId + " " + NanoReferences.PackageVersion);
        StringAssert.Contains(path.Replace('\\', '/'), "nanoframework.corelibrary/" + NanoReferences.PackageVersion + "/lib/mscorlib.dll");
        NanoCompileResult probe = Compile("class P { object M() { return new System.Collections.Generic.List<int>(); } }");
        Assert.IsTrue(probe.Errors.Any(e => e.Id == "CS0234"), "a host type resolved: this is not nano's mscorlib. " + probe.Describe(5));
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void Load_MscorlibMissing_FailsSayingWhichPackageToRestore()
    {
        // Arrange
        string missing = Path.Combine(Path.GetTempPath(), "no-such-package", "lib", "mscorlib.dll");

        // Act
        FileNotFoundException error = Assert.ThrowsExactly<FileNotFoundException>(() => NanoReferences.Load(missing));

        // Assert
        StringAssert.Contains(error.Message, missing);
        StringAssert.Contains(error.Message, "restore nanoFramework.CoreLibrary 1.17.11");
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void CoreSources_CompiledAgainstNanoMscorlib_NoErrorsOrWarnings()
    {
        // Arrange
        string root = RepositoryFiles.Root();
        IReadOnlyList<SourceFile> sources = RepositoryFiles.Sources(root, "firmware/Core");

        // Act
        NanoCompileResult result = NanoCompiler.Compile("Eldercare.Firmware.Core", sources, CompileOnlyDeclarations.For(root, CoreLibraries), OutputKind.DynamicallyLinkedLibrary);

        // Assert
        TestContext.WriteLine("core: " + sources.Count + " files, " + result.DeclaredMemberCount + " compile-only members in "
            + result.DeclarationFileCount + " files, " + result.Errors.Count + " errors, " + (result.Diagnostics.Count - result.Errors.Count) + " warnings");
        Assert.IsGreaterThan(50, sources.Count, "firmware/Core has too few sources: wrong folder?");
        Assert.IsEmpty(result.Problems, "firmware/Core does not compile against nano's mscorlib:" + Environment.NewLine + result.Describe(40));
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void CoreAssembly_Emitted_HasNoGenericTypesOrInstantiations()
    {
        // Arrange
        string root = RepositoryFiles.Root();
        NanoCompileResult result = NanoCompiler.Compile(
            "Eldercare.Firmware.Core", RepositoryFiles.Sources(root, "firmware/Core"), CompileOnlyDeclarations.For(root, CoreLibraries), OutputKind.DynamicallyLinkedLibrary);
        Assert.IsNotNull(result.Image, result.Describe(10));

        // Act
        IReadOnlyList<string> generics = GenericUsageInspector.Inspect(result.Image);

        // Assert
        Assert.IsEmpty(generics, "generics in the core's assembly (nano 1.x has none): " + string.Join("; ", generics));
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow("class P { string M(byte[] b) { return System.Text.Encoding.UTF8.GetString(b); } }", "CS7036")]
    [DataRow("class P { double M(double x) { return System.Math.Round(x, 2); } }", "CS1501")]
    [DataRow("class P { string M(string[] a) { return string.Join(\",\", a); } }", "CS0117")]
    [DataRow("class P { int M(string a) { return int.Parse(a, System.Globalization.NumberStyles.HexNumber); } }", "CS0234")]
    [DataRow("class P { bool M(string a) { return string.IsNullOrWhiteSpace(a); } }", "CS0117")]
    [DataRow("class P { object M() { return System.IO.File.Exists(\"I:\\\\x\"); } }", "CS0234")]
    [DataRow("class P { int? M() { return null; } }", "CS0518")]
    public void Compile_MemberNanoDoesNotHave_Fails(string source, string expectedError)
    {
        // Act
        NanoCompileResult result = Compile(source);

        // Assert
        Assert.IsTrue(result.Errors.Any(e => e.Id == expectedError), "expected " + expectedError + ", got:" + Environment.NewLine + result.Describe(10));
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow("class P { System.Action<int> a; }", "generic instantiation")]
    [DataRow("class P { void M() { System.EventHandler<System.EventArgs> h = null; h?.Invoke(this, null); } }", "generic instantiation")]
    [DataRow("class P<T> { }", "generic type definition")]
    [DataRow("class P { static T Id<T>(T x) { return x; } int M() { return Id(1); } }", "generic method instantiation")]
    public void Inspect_GenericsThatCompileAgainstNanoMscorlib_AreFound(string source, string expected)
    {
        // Arrange: these compile (nano's mscorlib declares Action`1 and EventHandler`1) but cannot run on nano 1.x.
        NanoCompileResult result = Compile(source);
        Assert.IsNotNull(result.Image, result.Describe(10));

        // Act
        IReadOnlyList<string> generics = GenericUsageInspector.Inspect(result.Image);

        // Assert
        Assert.IsTrue(generics.Any(g => g.StartsWith(expected, StringComparison.Ordinal)), "expected '" + expected + "', got: [" + string.Join("; ", generics) + "]");
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void Inspect_PlainCode_FindsNothing()
    {
        // Arrange
        NanoCompileResult result = Compile("""
            using System.Collections;
            delegate void Handler(object sender, int value);
            class P
            {
                private readonly ArrayList _items = new ArrayList();
                public event Handler Changed;
                public int M(int[] values, string text)
                {
                    foreach (int v in values) { _items.Add(v); }
                    Handler h = Changed;
                    if (h != null) { h(this, values.Length); }
                    return (text + ":" + values.Length.ToString()).Length;
                }
            }
            """);
        Assert.IsNotNull(result.Image, result.Describe(10));

        // Act
        IReadOnlyList<string> generics = GenericUsageInspector.Inspect(result.Image);

        // Assert
        Assert.IsEmpty(generics, string.Join("; ", generics));
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow("class A { System.Collections.Generic.List<int> x; }")]
    [DataRow("using System.Linq; class A { }")]
    [DataRow("class A { object M(int[] xs) { var q = from x in xs select x; return q; } }")]
    [DataRow("class A { async void M() { } }")]
    [DataRow("class A { async void M() { await X(); } object X() { return null; } }")]
    [DataRow("class A { System.Span<byte> s; }")]
    [DataRow("class A { void M(System.ReadOnlySpan<char> s) { } }")]
    [DataRow("class A { System.Memory<byte> m; }")]
    [DataRow("class A { int? y; }")]
    [DataRow("class A { string? s; }")]
    [DataRow("class A { void M() { var t = (1, 2); } }")]
    [DataRow("class A { (int, int) M() { return default; } }")]
    [DataRow("class A { void M() { var (a, b) = P(); } A P() { return null; } }")]
    [DataRow("record R;")]
    [DataRow("record struct R(int X);")]
    [DataRow("class A { decimal d; }")]
    [DataRow("class A { object d = 1.5m; }")]
    [DataRow("class A { float M() { return MathF.Sqrt(1f); } }")]
    [DataRow("class A { System.Threading.Tasks.Task M() { return null; } }")]
    [DataRow("class A { dynamic d; }")]
    [DataRow("class A { void M(int[] a) { var b = a[1..2]; } }")]
    [DataRow("class A { int M(int[] a) { return a[^1]; } }")]
    public void Compile_ConstructNanoCannotRun_FailsTheCompile(string source)
    {
        // Act
        NanoCompileResult result = Compile(source);

        // Assert
        Assert.IsNotEmpty(result.Problems, "compiled cleanly against nano's mscorlib: " + source);
    }

    private static NanoCompileResult Compile(string source) =>
        NanoCompiler.Compile(
            "Snippet",
            [new SourceFile("snippet.cs", source)],
            CompileOnlyDeclarations.For(RepositoryFiles.Root(), CoreLibraries),
            OutputKind.DynamicallyLinkedLibrary);
}
