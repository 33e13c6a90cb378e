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
/// Syntax-only check that a C# source file stays in the subset that stable nanoFramework
/// (1.x) compiles and runs (docs: /work/shared/DESIGN.md, "Firmware: one logic, two
/// runtimes"). The nano toolchain does not flag generics and friends, so the host does.
/// Two passes: a walk of the tree parsed at the newest language version (named
/// constructs), and a parse at C# 7.3 (anything newer that the walk does not name).
/// </summary>
public sealed class NanoSubsetChecker
{
    public const string Generic = "generic";
    public const string TypeParameters = "type-parameters";
    public const string Linq = "linq";
    public const string Query = "query-expression";
    public const string Async = "async";
    public const string Await = "await";
    public const string Span = "span";
    public const string Nullable = "nullable-type";
    public const string Tuple = "tuple";
    public const string Record = "record";
    public const string Decimal = "decimal";
    public const string MathF = "MathF";
    public const string MultidimensionalArray = "multidimensional-array";
    public const string Lambda = "lambda";
    public const string AnonymousMethod = "anonymous-method";
    public const string InterpolatedString = "interpolated-string";
    public const string StackAlloc = "stackalloc";
    public const string Task = "task";
    public const string Dynamic = "dynamic";
    public const string DeclarationPattern = "declaration-pattern";
    public const string Pattern = "pattern";
    public const string SwitchExpression = "switch-expression";
    public const string LocalFunction = "local-function";
    public const string RangeIndex = "range-index";
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

    private static readonly HashSet<string> SpanNames = new(StringComparer.Ordinal)
    {
        "Span", "ReadOnlySpan", "Memory", "ReadOnlyMemory",
    };

    private static readonly HashSet<string> TaskNames = new(StringComparer.Ordinal)
    {
        "Task", "ValueTask",
    };

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
        foreach (SyntaxToken token in tree.GetRoot().DescendantTokens())
        {
            if (token.IsKind(SyntaxKind.AsyncKeyword))
            {
                found.Add(At(path, token.GetLocation(), Async, "no async/await on nanoFramework"));
            }
            else if (token.IsKind(SyntaxKind.AwaitKeyword) && token.Parent is not AwaitExpressionSyntax)
            {
                found.Add(At(path, token.GetLocation(), Await, "no async/await on nanoFramework"));
            }
        }

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

        public override void VisitGenericName(GenericNameSyntax node)
        {
            Add(node, Generic, "no generics on stable nanoFramework: '" + node + "'");
            CheckSpecialName(node, node.Identifier.ValueText);
            base.VisitGenericName(node);
        }

        public override void VisitIdentifierName(IdentifierNameSyntax node)
        {
            CheckSpecialName(node, node.Identifier.ValueText);
            base.VisitIdentifierName(node);
        }

        private void CheckSpecialName(SimpleNameSyntax node, string name)
        {
            if (SpanNames.Contains(name))
            {
                Add(node, Span, "no Span/Memory on nanoFramework: '" + name + "'");
            }
            else if (TaskNames.Contains(name))
            {
                Add(node, Task, "no Task/ValueTask on nanoFramework: '" + name + "'");
            }
            else if (name == "MathF")
            {
                Add(node, MathF, "no MathF; use Math.Sqrt((double)x) and float");
            }
            else if (name == "dynamic")
            {
                Add(node, Dynamic, "no dynamic on nanoFramework");
            }
            else if (name == "Decimal")
            {
                Add(node, Decimal, "no decimal on nanoFramework");
            }
        }

        public override void VisitTypeParameterList(TypeParameterListSyntax node)
        {
            Add(node, TypeParameters, "no generic declarations on stable nanoFramework");
            base.VisitTypeParameterList(node);
        }

        public override void VisitUsingDirective(UsingDirectiveSyntax node)
        {
            string name = node.Name?.ToString() ?? string.Empty;
            if (name == "System.Linq" || name.StartsWith("System.Linq.", StringComparison.Ordinal))
            {
                Add(node, Linq, "no LINQ on nanoFramework");
            }
            else if (name == "System.Threading.Tasks")
            {
                Add(node, Task, "no System.Threading.Tasks on nanoFramework");
            }

            base.VisitUsingDirective(node);
        }

        public override void VisitQueryExpression(QueryExpressionSyntax node)
        {
            Add(node, Query, "no LINQ query expressions on nanoFramework");
            base.VisitQueryExpression(node);
        }

        public override void VisitAwaitExpression(AwaitExpressionSyntax node)
        {
            Add(node, Await, "no async/await on nanoFramework");
            base.VisitAwaitExpression(node);
        }

        public override void VisitNullableType(NullableTypeSyntax node)
        {
            Add(node, Nullable, "no nullable types on nanoFramework: '" + node + "'");
            base.VisitNullableType(node);
        }

        public override void VisitTupleType(TupleTypeSyntax node)
        {
            Add(node, Tuple, "no tuples on nanoFramework");
            base.VisitTupleType(node);
        }

        public override void VisitTupleExpression(TupleExpressionSyntax node)
        {
            Add(node, Tuple, "no tuples on nanoFramework");
            base.VisitTupleExpression(node);
        }

        public override void VisitParenthesizedVariableDesignation(ParenthesizedVariableDesignationSyntax node)
        {
            Add(node, Tuple, "no deconstruction on nanoFramework");
            base.VisitParenthesizedVariableDesignation(node);
        }

        public override void VisitRecordDeclaration(RecordDeclarationSyntax node)
        {
            Add(node, Record, "no records on nanoFramework");
            base.VisitRecordDeclaration(node);
        }

        public override void VisitPredefinedType(PredefinedTypeSyntax node)
        {
            if (node.Keyword.IsKind(SyntaxKind.DecimalKeyword))
            {
                Add(node, Decimal, "no decimal on nanoFramework");
            }

            base.VisitPredefinedType(node);
        }

        public override void VisitLiteralExpression(LiteralExpressionSyntax node)
        {
            if (node.Token.Value is decimal)
            {
                Add(node, Decimal, "no decimal literals on nanoFramework");
            }

            base.VisitLiteralExpression(node);
        }

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

        public override void VisitRangeExpression(RangeExpressionSyntax node)
        {
            Add(node, RangeIndex, "no ranges (System.Range) on nanoFramework");
            base.VisitRangeExpression(node);
        }

        public override void VisitPrefixUnaryExpression(PrefixUnaryExpressionSyntax node)
        {
            if (node.IsKind(SyntaxKind.IndexExpression))
            {
                Add(node, RangeIndex, "no '^' indices (System.Index) on nanoFramework");
            }

            base.VisitPrefixUnaryExpression(node);
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
