using System.Text.RegularExpressions;
using Eldercare.Firmware.Tests.NanoCompile;

namespace Eldercare.Firmware.Tests.Flashing;

/// <summary>
/// flash.cmd cannot run here (no Windows): its text is held to flash.sh's, which FlashScriptTests runs. The nanoff
/// command lines, the target and address, the kinds, the install hint and the exit codes must be the same.
/// </summary>
[TestClass]
public sealed partial class FlashCmdTests
{
    private static readonly string Root = RepositoryFiles.Root();

    [TestMethod]
    [TestCategory("Unit")]
    public void NanoffCommandLines_InCmdAndSh_AreTheSame()
    {
        // Arrange
        string sh = File.ReadAllText(Path.Combine(Root, "flash.sh"));
        string cmd = File.ReadAllText(Path.Combine(Root, "flash.cmd"));

        // Act
        var fromSh = NanoffLines(sh, ShVariable(), m => m.Groups[1].Value switch
        {
            "nanoff_cmd" => "NANOFF",
            "TARGET" => "TARGET",
            "port" => "PORT",
            "image" => "IMAGE",
            "DEPLOY_ADDRESS" => "ADDRESS",
            "files_json" => "FILES",
            string other => "?" + other,
        });
        var fromCmd = NanoffLines(cmd, CmdVariable(), m => m.Groups[1].Value switch
        {
            "NANOFF" => "NANOFF",
            "TARGET" => "TARGET",
            "PORT" => "PORT",
            "IMAGE" => "IMAGE",
            "DEPLOY_ADDRESS" => "ADDRESS",
            "FILES_JSON" => "FILES",
            string other => "?" + other,
        });

        // Assert
        CollectionAssert.AreEqual(
            new[]
            {
                "NANOFF --update --target TARGET --serialport PORT",
                "NANOFF --deploy --image IMAGE --address ADDRESS --serialport PORT",
                "NANOFF --filedeployment FILES",
            },
            fromSh);
        CollectionAssert.AreEqual(fromSh, fromCmd);
    }

    [TestMethod]
    [TestCategory("Unit")]
    [DataRow("TARGET=ESP32_REV3")]
    [DataRow("DEPLOY_ADDRESS=0x1E0000")]
    [DataRow("dotnet tool install -g nanoff")]
    [DataRow("\"pendant\"")]
    [DataRow("\"watch\"")]
    [DataRow("\"kiosk\"")]
    [DataRow("Eldercare.%PROJECT%.bin")]
    [DataRow("firmware\\Devices\\%PROJECT%\\bin\\Release")]
    [DataRow("DestinationFilePath\":\"I:\\\\device.txt")]
    [DataRow("ELDERCARE_BUILD_DIR")]
    [DataRow("ELDERCARE_PROVISION_DIR")]
    public void FlashCmd_Text_CarriesTheSameSettingsAsFlashSh(string expected)
    {
        // Act
        string cmd = File.ReadAllText(Path.Combine(Root, "flash.cmd"));

        // Assert
        Assert.Contains(expected, cmd);
    }

    [TestMethod]
    [TestCategory("Unit")]
    public void ExitCodes_InCmdAndSh_AreTheSameSet()
    {
        // Arrange
        string sh = File.ReadAllText(Path.Combine(Root, "flash.sh"));
        string cmd = File.ReadAllText(Path.Combine(Root, "flash.cmd"));

        // Act
        var shCodes = ShExit().Matches(sh).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).Where(c => c != 0).ToHashSet();
        var cmdCodes = CmdExit().Matches(cmd).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).Where(c => c != 0).ToHashSet();

        // Assert
        CollectionAssert.AreEquivalent(new[] { 2, 3, 4, 5, 6, 7, 8, 9 }, shCodes.ToList());
        CollectionAssert.AreEquivalent(shCodes.ToList(), cmdCodes.ToList());
        Assert.Contains("\r\n", cmd, "a .cmd file needs CRLF line ends for cmd.exe's labels and goto");
    }

    private static List<string> NanoffLines(string script, Regex variable, MatchEvaluator name) =>
        script.Split('\n')
            .Select(l => l.Trim().TrimEnd('\\').Trim())
            .Where(l => l.Contains("--update --target", StringComparison.Ordinal) || l.Contains("--deploy --image", StringComparison.Ordinal) || l.Contains("--filedeployment \"", StringComparison.Ordinal))
            .Where(l => !l.StartsWith('#') && !l.StartsWith("rem", StringComparison.OrdinalIgnoreCase) && !l.StartsWith("echo", StringComparison.OrdinalIgnoreCase))
            .Select(l => variable.Replace(l, name).Replace("\"", "", StringComparison.Ordinal))
            .ToList();

    [GeneratedRegex("\"?\\$\\{?([A-Za-z_]+)\\}?\"?")]
    private static partial Regex ShVariable();

    [GeneratedRegex("\"?%([A-Za-z_]+)%\"?")]
    private static partial Regex CmdVariable();

    [GeneratedRegex(@"(?:fail|exit) (\d+)")]
    private static partial Regex ShExit();

    [GeneratedRegex(@"exit /b (\d+)")]
    private static partial Regex CmdExit();
}
