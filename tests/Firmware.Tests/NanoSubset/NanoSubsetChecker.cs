using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Eldercare.Firmware.Tests.NanoSubset;

/// <summary>One construct outside the stable nanoFramework subset, at a file and line.</summary>
public sealed class Violation
{
    public Violation(string path, int line, string construct, string reason)
    {
        Path = path;
        Line = line;
        Construct = construct;
        Reason = reason;
    }

    public string Path { get; }

    /// <summary>1-based line number.</summary>
    public int Line { get; }

    /// <summary>Short stable name of the construct (see <see cref="NanoSubsetChecker"/> constants).</summary>
    public string Construct { get; }

    public string Reason { get; }

    public override string ToString() => $"{Path}:{Line}: {Construct} ({Reason})";
}

/// <summary>
/// Syntax-only check of the project's own rules for the shared core that a compile against nanoFramework's mscorlib
/// does not enforce (docs: ../shared/DESIGN.md, "Firmware: one logic, two runtimes"): no lambdas or anonymous methods,
/// no patterns, switch expressions, local functions or interpolated strings, no multidimensional arrays or stackalloc,
/// no clock reads or sleeps in logic (time is injected), C# 7.3 syntax. What nano's base library cannot run at all
/// (generics, LINQ, async, Span, Task, nullable value types, tuples, records, decimal, MathF, dynamic, ranges) fails
/// the real compile in NanoCompile/NanoCompileTests instead. Two passes: a walk of the tree parsed at the newest
/// language version (named constructs), and a parse at C# 7.3 (anything newer that the walk does not name).
/// </summary>
public sealed class NanoSubsetChecker
{
    public const string MultidimensionalArray = "multidimensional-array";
    public const string Lambda = "lambda";
    public const string AnonymousMethod = "anonymous-method";
    public const string InterpolatedString = "interpolated-string";
    public const string StackAlloc = "stackalloc";
    public const string DeclarationPattern = "declaration-pattern";
    public const string Pattern = "pattern";
    public const string SwitchExpression = "switch-expression";
    public const string LocalFunction = "local-function";
    public const string BannedApi = "banned-api";
    public const string LanguageVersion = "language-version";
    public const string ParseError = "parse-error";

    public const string TimeMustBeInjected = "time must be injected";

    private static readonly CSharpParseOptions Latest =
        new(Microsoft.CodeAnalysis.CSharp.LanguageVersion.Preview, DocumentationMode.None, SourceCodeKind.Regular);

    private static readonly CSharpParseOptions CSharp73 =
        new(Microsoft.CodeAnalysis.CSharp.LanguageVersion.CSharp7_3, DocumentationMode.None, SourceCodeKind.Regular);

    /// <summary>Loaded once: binding at C# 7.3 only needs the core types to recognise feature errors.</summary>
    private static readonly MetadataReference CoreLibrary = MetadataReference.CreateFromFile(typeof(object).Assembly.Location);

    /// <summary>Type.Member pairs that read the clock or block: core logic gets time from IClock.</summary>
    private static readonly (string Type, string Member)[] BannedMembers =
    [
        ("DateTime", "Now"),
        ("DateTime", "UtcNow"),
        ("DateTime", "Today"),
        ("DateTimeOffset", "Now"),
        ("DateTimeOffset", "UtcNow"),
        ("Environment", "TickCount"),
        ("Environment", "TickCount64"),
        ("Thread", "Sleep"),
        ("Stopwatch", "StartNew"),
        ("Stopwatch", "GetTimestamp"),
    ];

    public IReadOnlyList<Violation> Check(string sourceText, string path)
    {
        ArgumentNullException.ThrowIfNull(sourceText);
        ArgumentNullException.ThrowIfNull(path);

        var found = new List<Violation>();
        SyntaxTree tree = CSharpSyntaxTree.ParseText(sourceText, Latest, path);
        var latestErrors = new HashSet<(int Line, string Id)>();
        foreach (Diagnostic d in tree.GetDiagnostics())
        {
            if (d.Severity == DiagnosticSeverity.Error)
            {
                int line = d.Location.GetLineSpan().StartLinePosition.Line + 1;
                latestErrors.Add((line, d.Id));
                found.Add(new Violation(path, line, ParseError, d.Id + " " + d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)));
            }
        }

        var walker = new Walker(path, found);
        walker.Visit(tree.GetRoot());
        // Anything newer than C# 7.3 that the walk does not name (file-scoped namespaces,
        // target-typed new, ??=, using declarations, collection expressions, ...). Roslyn
        // checks the language version while binding, so compile the file alone at 7.3 and
        // keep only "feature not available" errors (unresolved names are expected here).
        SyntaxTree old = CSharpSyntaxTree.ParseText(sourceText, CSharp73, path);
        CSharpCompilation compilation = CSharpCompilation.Create(
            "NanoSubsetCheck",
            [old],
            [CoreLibrary],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true));
        var reported = new HashSet<(int Line, string Message)>();
        foreach (Diagnostic d in compilation.GetDiagnostics())
        {
            string message = d.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
            if (d.Severity == DiagnosticSeverity.Error && message.Contains("Please use language version", StringComparison.Ordinal))
            {
                int line = d.Location.GetLineSpan().StartLinePosition.Line + 1;
                if (reported.Add((line, message)))
                {
                    found.Add(new Violation(path, line, LanguageVersion, d.Id + " " + message));
                }
            }
        }

        found.Sort((a, b) => a.Line != b.Line ? a.Line.CompareTo(b.Line) : string.CompareOrdinal(a.Construct, b.Construct));
        return found;
    }

    private static Violation At(string path, Location location, string construct, string reason) =>
        new(path, location.GetLineSpan().StartLinePosition.Line + 1, construct, reason);

    private static string? RightmostName(ExpressionSyntax expression) => expression switch
    {
        IdentifierNameSyntax id => id.Identifier.ValueText,
        MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
        AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
        QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
        _ => null,
    };

    private sealed class Walker : CSharpSyntaxWalker
    {
        private readonly string _path;
        private readonly List<Violation> _found;

        public Walker(string path, List<Violation> found)
            : base(SyntaxWalkerDepth.Node)
        {
            _path = path;
            _found = found;
        }

        private void Add(SyntaxNode node, string construct, string reason) =>
            _found.Add(At(_path, node.GetLocation(), construct, reason));

        public override void VisitArrayRankSpecifier(ArrayRankSpecifierSyntax node)
        {
            if (node.Rank > 1)
            {
                Add(node, MultidimensionalArray, "no multidimensional arrays on nanoFramework; use jagged or flat arrays");
            }

            base.VisitArrayRankSpecifier(node);
        }

        public override void VisitSimpleLambdaExpression(SimpleLambdaExpressionSyntax node)
        {
            Add(node, Lambda, "no lambdas in the core; declare a method and a delegate");
            base.VisitSimpleLambdaExpression(node);
        }

        public override void VisitParenthesizedLambdaExpression(ParenthesizedLambdaExpressionSyntax node)
        {
            Add(node, Lambda, "no lambdas in the core; declare a method and a delegate");
            base.VisitParenthesizedLambdaExpression(node);
        }

        public override void VisitAnonymousMethodExpression(AnonymousMethodExpressionSyntax node)
        {
            Add(node, AnonymousMethod, "no anonymous methods in the core; declare a method and a delegate");
            base.VisitAnonymousMethodExpression(node);
        }

        public override void VisitInterpolatedStringExpression(InterpolatedStringExpressionSyntax node)
        {
            Add(node, InterpolatedString, "no interpolated strings in the core; concatenate");
            base.VisitInterpolatedStringExpression(node);
        }

        public override void VisitStackAllocArrayCreationExpression(StackAllocArrayCreationExpressionSyntax node)
        {
            Add(node, StackAlloc, "no stackalloc on nanoFramework");
            base.VisitStackAllocArrayCreationExpression(node);
        }

        public override void VisitImplicitStackAllocArrayCreationExpression(ImplicitStackAllocArrayCreationExpressionSyntax node)
        {
            Add(node, StackAlloc, "no stackalloc on nanoFramework");
            base.VisitImplicitStackAllocArrayCreationExpression(node);
        }

        public override void VisitDeclarationPattern(DeclarationPatternSyntax node)
        {
            Add(node, DeclarationPattern, "no 'is X y' declaration patterns in the core");
            base.VisitDeclarationPattern(node);
        }

        public override void VisitVarPattern(VarPatternSyntax node)
        {
            Add(node, Pattern, "no 'var' patterns in the core");
            base.VisitVarPattern(node);
        }

        public override void VisitRecursivePattern(RecursivePatternSyntax node)
        {
            Add(node, Pattern, "no property/positional patterns in the core");
            base.VisitRecursivePattern(node);
        }

        public override void VisitRelationalPattern(RelationalPatternSyntax node)
        {
            Add(node, Pattern, "no relational patterns in the core");
            base.VisitRelationalPattern(node);
        }

        public override void VisitBinaryPattern(BinaryPatternSyntax node)
        {
            Add(node, Pattern, "no and/or patterns in the core");
            base.VisitBinaryPattern(node);
        }

        public override void VisitUnaryPattern(UnaryPatternSyntax node)
        {
            Add(node, Pattern, "no 'not' patterns in the core");
            base.VisitUnaryPattern(node);
        }

        public override void VisitListPattern(ListPatternSyntax node)
        {
            Add(node, Pattern, "no list patterns in the core");
            base.VisitListPattern(node);
        }

        public override void VisitSwitchExpression(SwitchExpressionSyntax node)
        {
            Add(node, SwitchExpression, "no switch expressions (C# 8); use a switch statement");
            base.VisitSwitchExpression(node);
        }

        public override void VisitLocalFunctionStatement(LocalFunctionStatementSyntax node)
        {
            Add(node, LocalFunction, "no local functions in the core; use a private method");
            base.VisitLocalFunctionStatement(node);
        }

        public override void VisitMemberAccessExpression(MemberAccessExpressionSyntax node)
        {
            CheckBanned(node, RightmostName(node.Expression), node.Name.Identifier.ValueText);
            base.VisitMemberAccessExpression(node);
        }

        public override void VisitQualifiedName(QualifiedNameSyntax node)
        {
            // 'using static' or a name in type position, e.g. System.DateTime.Now in an attribute.
            CheckBanned(node, RightmostName(node.Left), node.Right.Identifier.ValueText);
            base.VisitQualifiedName(node);
        }

        private void CheckBanned(SyntaxNode node, string? type, string member)
        {
            if (type == null)
            {
                return;
            }

            foreach ((string bannedType, string bannedMember) in BannedMembers)
            {
                if (type == bannedType && member == bannedMember)
                {
                    Add(node, BannedApi, TimeMustBeInjected + ": " + type + "." + member + " (use IClock)");
                }
            }
        }
    }
}
