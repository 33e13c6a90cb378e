using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Eldercare.Firmware.Tests.NanoCompile;

/// <summary>What one compile against nano's mscorlib produced.</summary>
public sealed class NanoCompileResult
{
    public NanoCompileResult(IReadOnlyList<Diagnostic> diagnostics, byte[]? image, int sourceFileCount, int declarationFileCount, int declaredMemberCount, CSharpCompilation? compilation = null)
    {
        Compilation = compilation;
        Diagnostics = diagnostics;
        Image = image;
        SourceFileCount = sourceFileCount;
        DeclarationFileCount = declarationFileCount;
        DeclaredMemberCount = declaredMemberCount;
    }

    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    /// <summary>The product compilation (null when the compile-only declarations themselves failed).</summary>
    public CSharpCompilation? Compilation { get; }

    /// <summary>The emitted assembly, or null when the compile failed.</summary>
    public byte[]? Image { get; }

    public int SourceFileCount { get; }

    public int DeclarationFileCount { get; }

    /// <summary>Members (methods, constructors, properties, fields, events, enum values) in the compile-only declarations.</summary>
    public int DeclaredMemberCount { get; }

    public IReadOnlyList<Diagnostic> Errors => Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();

    /// <summary>Errors and warnings (the host build of the same sources treats warnings as errors, so the nano compile does too).</summary>
    public IReadOnlyList<Diagnostic> Problems => Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();

    public string Describe(int max)
    {
        IReadOnlyList<Diagnostic> errors = Problems;
        var lines = errors.Take(max).Select(d => "  " + Format(d)).ToList();
        if (errors.Count > max)
        {
            lines.Add("  ... and " + (errors.Count - max).ToString(CultureInfo.InvariantCulture) + " more");
        }

        return string.Join(Environment.NewLine, lines);
    }

    private static string Format(Diagnostic d)
    {
        FileLinePositionSpan span = d.Location.GetLineSpan();
        string where = string.IsNullOrEmpty(span.Path) ? "" : span.Path + ":" + (span.StartLinePosition.Line + 1).ToString(CultureInfo.InvariantCulture) + ": ";
        return where + d.Id + " " + d.GetMessage(CultureInfo.InvariantCulture);
    }
}

/// <summary>
/// Compiles C# the way the nanoFramework project system does for stable (1.x) targets: C# 9.0
/// (its default LangVersion), no standard library but nano's own mscorlib, nullable off. Members the code uses from
/// other nano libraries come from compile-only declaration files, compiled first into their own reference assembly
/// (so the product assembly holds only product code, and an internal or missing member fails like on the device).
/// </summary>
public static class NanoCompiler
{
    public static readonly CSharpParseOptions Parse = new(LanguageVersion.CSharp9, DocumentationMode.None, SourceCodeKind.Regular);

    public static NanoCompileResult Compile(string assemblyName, IReadOnlyList<SourceFile> sources, IReadOnlyList<SourceFile> declarations, OutputKind kind)
    {
        var diagnostics = new List<Diagnostic>();
        var references = new List<MetadataReference> { NanoReferences.Mscorlib };
        int declaredMembers = 0;
        if (declarations.Count > 0)
        {
            SyntaxTree[] declarationTrees = declarations.Select(ParseFile).ToArray();
            declaredMembers = declarationTrees.Sum(CountMembers);
            CSharpCompilation compileOnly = CSharpCompilation.Create(
                assemblyName + ".CompileOnly", declarationTrees, [NanoReferences.Mscorlib], Options(OutputKind.DynamicallyLinkedLibrary));
            using var stream = new MemoryStream();
            Microsoft.CodeAnalysis.Emit.EmitResult declared = compileOnly.Emit(stream);
            diagnostics.AddRange(declared.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
            if (!declared.Success)
            {
                return new NanoCompileResult(diagnostics, null, sources.Count, declarations.Count, declaredMembers);
            }

            references.Add(MetadataReference.CreateFromImage(stream.ToArray()));
        }

        CSharpCompilation compilation = CSharpCompilation.Create(assemblyName, sources.Select(ParseFile), references, Options(kind));
        using var image = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult result = compilation.Emit(image);
        diagnostics.AddRange(result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
        return new NanoCompileResult(diagnostics, result.Success ? image.ToArray() : null, sources.Count, declarations.Count, declaredMembers, compilation);
    }

    private static CSharpCompilationOptions Options(OutputKind kind) =>
        new(kind, nullableContextOptions: NullableContextOptions.Disable, optimizationLevel: OptimizationLevel.Release, warningLevel: 4, deterministic: true);

    private static SyntaxTree ParseFile(SourceFile file) => CSharpSyntaxTree.ParseText(file.Text, Parse, file.DisplayPath);

    private static int CountMembers(SyntaxTree tree) =>
        tree.GetRoot().DescendantNodes().Count(n =>
            n is MethodDeclarationSyntax or ConstructorDeclarationSyntax or PropertyDeclarationSyntax or EventFieldDeclarationSyntax
                or EventDeclarationSyntax or IndexerDeclarationSyntax or EnumMemberDeclarationSyntax or OperatorDeclarationSyntax
                or ConversionOperatorDeclarationSyntax or DelegateDeclarationSyntax)
        + tree.GetRoot().DescendantNodes().OfType<FieldDeclarationSyntax>().Sum(f => f.Declaration.Variables.Count);
}

/// <summary>A source file's text with the repository-relative path shown in diagnostics.</summary>
public sealed class SourceFile
{
    public SourceFile(string displayPath, string text)
    {
        DisplayPath = displayPath;
        Text = text;
    }

    public string DisplayPath { get; }

    public string Text { get; }

    public static SourceFile Read(string repositoryRoot, string path) =>
        new(Path.GetRelativePath(repositoryRoot, path).Replace('\\', '/'), File.ReadAllText(path));
}
