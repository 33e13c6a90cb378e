using System.Text.RegularExpressions;
using Eldercare.Firmware.Tools.FallEval;

namespace Eldercare.Firmware.Tests.Falls;

/// <summary>The eval tool, run in-process through its entry point.</summary>
[TestClass]
public sealed partial class FallEvalTests
{
    private const string GoodTrial = "ax_mg,ay_mg,az_mg\n20,-980,-150\n25,-975,-140\n";

    public TestContext TestContext { get; set; } = null!;

    [GeneratedRegex(@"^sensitivity=(\d\.\d{4}) specificity=(\d\.\d{4}) trials=(\d+) false_alarms_per_day=(\d+\.\d{3})$")]
    private static partial Regex LastLinePattern();

    private static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = Program.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private string MakeDataDirectory(string index, params (string Name, string Content)[] files)
    {
        string directory = Path.Combine(Path.GetTempPath(), "falleval-" + TestContext.TestName + "-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "trials.csv"), index);
        foreach (var (name, content) in files)
        {
            File.WriteAllText(Path.Combine(directory, name), content);
        }

        return directory;
    }

    private const string Header = "file,subject,age_group,activity,label,trial,samples,hz\n";

    [TestMethod]
    [TestCategory("Unit")]
    public void Run_MissingDataDirectory_FailsNamingIt()
    {
        var (exit, _, error) = Run("/nonexistent/falls-data");

        Assert.AreNotEqual(0, exit);
        Assert.Contains("/nonexistent/falls-data", error);
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void Run_MissingTrialFile_FailsNamingFile()
    {
        string dir = MakeDataDirectory(Header + "T1.csv,S1,adult,D01,adl,1,2,50\n");

        var (exit, _, error) = Run(dir);

        Assert.AreEqual(2, exit);
        Assert.Contains("T1.csv: file not found", error);
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void Run_WrongTrialHeader_FailsNamingFileAndLine()
    {
        string dir = MakeDataDirectory(Header + "T1.csv,S1,adult,D01,adl,1,2,50\n", ("T1.csv", "x,y,z\n1,2,3\n4,5,6\n"));

        var (exit, _, error) = Run(dir);

        Assert.AreEqual(2, exit);
        Assert.Contains("T1.csv:1: header", error);
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void Run_WrongIndexHeader_FailsNamingLineOne()
    {
        string dir = MakeDataDirectory("file,subject,label\nT1.csv,S1,adl\n", ("T1.csv", GoodTrial));

        var (exit, _, error) = Run(dir);

        Assert.AreEqual(2, exit);
        Assert.Contains("trials.csv:1: header", error);
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void Run_NonNumericSample_FailsNamingFileAndLine()
    {
        string dir = MakeDataDirectory(Header + "T1.csv,S1,adult,D01,adl,1,2,50\n", ("T1.csv", "ax_mg,ay_mg,az_mg\n20,-980,-150\n20,abc,-150\n"));

        var (exit, _, error) = Run(dir);

        Assert.AreEqual(2, exit);
        Assert.Contains("T1.csv:3: 'abc' is not an integer", error);
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow("0")]
    [DataRow("5000")]
    [DataRow("fifty")]
    public void Run_WrongRate_FailsNamingIndexLine(string hz)
    {
        string dir = MakeDataDirectory(Header + "T1.csv,S1,adult,D01,adl,1,2," + hz + "\n", ("T1.csv", GoodTrial));

        var (exit, _, error) = Run(dir);

        Assert.AreEqual(2, exit);
        Assert.Contains("trials.csv:2: hz '" + hz + "'", error);
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void Run_SampleCountMismatch_FailsNamingBothFiles()
    {
        string dir = MakeDataDirectory(Header + "T1.csv,S1,adult,D01,adl,1,5,50\n", ("T1.csv", GoodTrial));

        var (exit, _, error) = Run(dir);

        Assert.AreEqual(2, exit);
        Assert.Contains("trials.csv:2: samples 5", error);
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void Run_UnknownPlacement_Fails()
    {
        string dir = MakeDataDirectory(Header + "T1.csv,S1,adult,D01,adl,1,2,50\n", ("T1.csv", GoodTrial));

        var (exit, _, _) = Run(dir, "--placement", "ankle");

        Assert.AreNotEqual(0, exit);
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void Run_TinyValidData_PrintsLastLine()
    {
        string dir = MakeDataDirectory(Header + "T1.csv,S1,adult,D01,adl,1,2,50\n", ("T1.csv", GoodTrial));

        var (exit, output, _) = Run(dir);

        Assert.AreEqual(0, exit);
        Assert.AreEqual("sensitivity=1.0000 specificity=1.0000 trials=1 false_alarms_per_day=0.000", output.TrimEnd().Split('\n')[^1]);
    }

    [TestMethod]
    [TestCategory("Integration")]
    public void Run_OneSisFallSubject_PrintsScoresAsLastLine()
    {
        var (exit, output, error) = Run(Path.Combine(SharedData.Datasets, "falls"), "--placement", "waist", "--subjects", "SA01");

        Assert.AreEqual(0, exit, error);
        Match match = LastLinePattern().Match(output.TrimEnd().Split('\n')[^1]);
        Assert.IsTrue(match.Success, output);
        Assert.AreEqual("154", match.Groups[3].Value);
        Assert.IsGreaterThanOrEqualTo(0.9, double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.IsGreaterThanOrEqualTo(0.9, double.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("latency after the trial's peak", output);
    }

    [TestMethod]
    [TestCategory("Integration")]
    public void Run_OneSubjectRotated_SameScoresAsUnrotated()
    {
        string data = Path.Combine(SharedData.Datasets, "falls");
        var (_, plain, _) = Run(data, "--placement", "waist", "--subjects", "SA03");
        var (exit, rotated, error) = Run(data, "--placement", "waist", "--subjects", "SA03", "--rotate", "7");

        Assert.AreEqual(0, exit, error);
        Assert.Contains("rotated: every trial turned", rotated);
        Assert.AreEqual(plain.TrimEnd().Split('\n')[^1], rotated.TrimEnd().Split('\n')[^1]);
    }

    [TestMethod]
    [TestCategory("Integration")]
    public void Run_CrossValidationOnThreeSubjects_PrintsFoldsAndLastLine()
    {
        var (exit, output, error) = Run(Path.Combine(SharedData.Datasets, "umafall", "chest"), "--placement", "neck", "--cv", "3", "--subjects", "U02,U06,U07");

        Assert.AreEqual(0, exit, error);
        Assert.Contains("fold 3/3", output);
        Assert.IsTrue(LastLinePattern().IsMatch(output.TrimEnd().Split('\n')[^1]), output);
    }
}
