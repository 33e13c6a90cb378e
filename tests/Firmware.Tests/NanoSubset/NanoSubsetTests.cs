using System.Text;

namespace Eldercare.Firmware.Tests.NanoSubset;

/// <summary>
/// The shared firmware core must compile and run on stable nanoFramework. The real compile against nano's mscorlib
/// (NanoCompile/NanoCompileTests) catches what nano's base library lacks (members, overloads, generics, LINQ, async,
/// Span, Task, nullable value types, tuples, records, decimal, MathF, dynamic, ranges: each shown there) and generics
/// in the output; this walk keeps the project's own rules that compile fine there: no lambdas or anonymous methods, no
/// patterns, switch expressions, local functions or interpolated strings, no multidimensional arrays or stackalloc, no
/// clock reads or sleeps in logic (time is injected), C# 7.3 syntax.
/// </summary>
[TestClass]
public sealed class NanoSubsetTests
{
    private static readonly NanoSubsetChecker Checker = new();

    [TestMethod]
    [TestCategory("Unit")]
    public void CoreSources_AllFiles_StayInNanoSubset()
    {
        // Arrange
        string coreDirectory = Path.Combine(FindRepositoryRoot(), "firmware", "Core");
        string[] files = Directory.GetFiles(coreDirectory, "*.cs", SearchOption.AllDirectories)
            .Where(f => !IsBuildOutput(coreDirectory, f))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToArray();

        // Act
        var violations = new List<Violation>();
        foreach (string file in files)
        {
            string relative = Path.GetRelativePath(coreDirectory, file).Replace('\\', '/');
            violations.AddRange(Checker.Check(File.ReadAllText(file), "firmware/Core/" + relative));
        }

        // Assert
        Assert.IsNotEmpty(files, "no .cs files found under " + coreDirectory);
        if (violations.Count > 0)
        {
            var message = new StringBuilder();
            message.Append(violations.Count).Append(" construct(s) outside the nanoFramework subset in firmware/Core:").AppendLine();
            foreach (Violation v in violations)
            {
                message.Append("  ").Append(v).AppendLine();
            }

            Assert.Fail(message.ToString());
        }
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow("class A { int[,] a; }", NanoSubsetChecker.MultidimensionalArray)]
    [DataRow("class A { object a = new int[2, 3]; }", NanoSubsetChecker.MultidimensionalArray)]
    [DataRow("class A { Func<int> f = () => 1; }", NanoSubsetChecker.Lambda)]
    [DataRow("class A { System.Action<int> f = x => { }; }", NanoSubsetChecker.Lambda)]
    [DataRow("class A { System.EventHandler h = delegate { }; }", NanoSubsetChecker.AnonymousMethod)]
    [DataRow("class A { string s = $\"x{1}\"; }", NanoSubsetChecker.InterpolatedString)]
    [DataRow("class A { unsafe void M() { int* p = stackalloc int[4]; } }", NanoSubsetChecker.StackAlloc)]
    [DataRow("class A { void M(object o) { if (o is string s) { } } }", NanoSubsetChecker.DeclarationPattern)]
    [DataRow("class A { void M(object o) { if (o is not null) { } } }", NanoSubsetChecker.Pattern)]
    [DataRow("class A { int M(int x) { return x switch { 1 => 2, _ => 3 }; } }", NanoSubsetChecker.SwitchExpression)]
    [DataRow("class A { void M() { int L() { return 1; } } }", NanoSubsetChecker.LocalFunction)]
    [DataRow("class A { object n = DateTime.UtcNow; }", NanoSubsetChecker.BannedApi)]
    [DataRow("class A { object n = System.DateTime.Now; }", NanoSubsetChecker.BannedApi)]
    [DataRow("class A { int n = Environment.TickCount; }", NanoSubsetChecker.BannedApi)]
    [DataRow("class A { void M() { System.Threading.Thread.Sleep(10); } }", NanoSubsetChecker.BannedApi)]
    [DataRow("namespace N; class A { }", NanoSubsetChecker.LanguageVersion)]
    [DataRow("class A { A a = new(); }", NanoSubsetChecker.LanguageVersion)]
    public void Check_SnippetOutsideSubset_ReportsConstruct(string source, string expectedConstruct)
    {
        // Arrange
        const string path = "snippet.cs";

        // Act
        IReadOnlyList<Violation> violations = Checker.Check(source, path);

        // Assert
        string all = string.Join("; ", violations);
        Assert.IsTrue(
            violations.Any(v => v.Construct == expectedConstruct),
            "expected a '" + expectedConstruct + "' violation, got: [" + all + "]");
        Assert.IsTrue(violations.All(v => v.Path == path && v.Line >= 1), all);
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow("class A { object n = DateTime.UtcNow; }")]
    [DataRow("class A { int n = Environment.TickCount; }")]
    [DataRow("class A { void M() { Thread.Sleep(10); } }")]
    public void Check_ClockOrSleepInCore_ReasonSaysTimeMustBeInjected(string source)
    {
        // Arrange
        const string path = "clock.cs";

        // Act
        IReadOnlyList<Violation> violations = Checker.Check(source, path);

        // Assert
        Violation banned = violations.Single(v => v.Construct == NanoSubsetChecker.BannedApi);
        Assert.Contains(NanoSubsetChecker.TimeMustBeInjected, banned.Reason);
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void Check_ViolationOnThirdLine_ReportsFileAndLine()
    {
        // Arrange
        const string source = "class A\n{\n    int[,] y;\n}\n";

        // Act
        IReadOnlyList<Violation> violations = Checker.Check(source, "Dir/File.cs");

        // Assert
        Violation v = violations.Single();
        Assert.AreEqual(3, v.Line);
        Assert.StartsWith("Dir/File.cs:3: " + NanoSubsetChecker.MultidimensionalArray, v.ToString());
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void Check_CodeInsideSubset_ReportsNothing()
    {
        // Arrange: everything DESIGN.md allows on stable nanoFramework.
        const string source = """
            using System;
            using System.Collections;
            using System.Threading;

            namespace Eldercare.Firmware.Core.Sample
            {
                public delegate void ReadingEventHandler(object sender, float magnitude);

                public interface ISensor
                {
                    float Read();
                }

                public struct Sample3
                {
                    public float X;
                    public float Y;
                    public float Z;
                }

                public sealed class Monitor : ISensor
                {
                    private readonly ArrayList _samples = new ArrayList();
                    private readonly Hashtable _byName = new Hashtable();
                    private readonly float[] _window = new float[16];
                    private readonly int[][] _jagged = new int[2][];
                    private Thread _worker;
                    private Timer _timer;

                    public event ReadingEventHandler Reading;

                    public int Count
                    {
                        get { return _samples.Count; }
                    }

                    public float Read()
                    {
                        Sample3 s = default;
                        s.X = 1f;
                        float x = s.X * s.X + s.Y * s.Y + s.Z * s.Z;
                        float magnitude = (float)Math.Sqrt((double)x);
                        _samples.Add(magnitude);
                        _byName["last"] = magnitude;
                        _window[0] = magnitude;
                        ReadingEventHandler handler = Reading;
                        if (handler != null)
                        {
                            handler(this, magnitude);
                        }

                        object o = _byName["last"];
                        if (o is float)
                        {
                            magnitude = (float)o;
                        }

                        switch (_samples.Count)
                        {
                            case 0:
                                return 0f;
                            default:
                                return magnitude;
                        }
                    }

                    public void Start()
                    {
                        _worker = new Thread(new ThreadStart(Run));
                        _worker.Start();
                        _timer = new Timer(new TimerCallback(Tick), null, 0, 1000);
                    }

                    private void Run()
                    {
                        foreach (object item in _samples)
                        {
                            string text = "value " + item.ToString();
                        }
                    }

                    private void Tick(object state)
                    {
                        long uptime = 0;
                        string id = "dev" + ":" + uptime.ToString();
                        if (_jagged[0] == null && id != null)
                        {
                            _jagged[0] = new int[] { 1, 2, 3 };
                        }
                    }
                }
            }
            """;

        // Act
        IReadOnlyList<Violation> violations = Checker.Check(source, "clean.cs");

        // Assert
        Assert.IsEmpty(violations, string.Join(Environment.NewLine, violations));
    }

    private static bool IsBuildOutput(string root, string file)
    {
        string relative = Path.GetRelativePath(root, file).Replace('\\', '/');
        return relative.StartsWith("bin/", StringComparison.Ordinal)
            || relative.StartsWith("obj/", StringComparison.Ordinal)
            || relative.Contains("/bin/", StringComparison.Ordinal)
            || relative.Contains("/obj/", StringComparison.Ordinal);
    }

    private static string FindRepositoryRoot()
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
}
