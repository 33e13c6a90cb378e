using Eldercare.Edge.Gateway.Console;

namespace Eldercare.Edge.Tests.Console;

/// <summary>The elders' CSV import: all or nothing, every problem by line, quoted fields, updates by record number.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class ElderRecordsTests : IDisposable
{
    private const string Header = "record_no,name,address,emergency_contacts,devices,cards";
    private readonly DeskFixture _desk = new();

    public void Dispose() => _desk.Dispose();

    [TestMethod]
    public void Import_QuotedFieldsAndSeveralDevices_ImportedAndUpdatedByRecordNo()
    {
        var first = Import($"{Header}\nR-1,张桂兰,\"迎泽区, 3 栋 201\",\"儿子 139 0000 0001; 邻居 王\",pendant-0001;watch-0001,04A1B2C3\nR-2,李建国,杏花岭区,女儿,pendant-0002,\n");
        var second = Import($"{Header}\nR-1,张桂兰,新地址,儿子,pendant-0001,\n");

        Assert.AreEqual(2, first.Imported);
        Assert.AreEqual(1, second.Imported);
        var records = _desk.Elders.List();
        Assert.AreEqual(2, records.Count);
        Assert.AreEqual("新地址", records[0].Address);
        CollectionAssert.AreEqual(new[] { "pendant-0001" }, records[0].Devices.ToList(), "a record's devices are replaced by the newer import");
        Assert.AreEqual(0, records[0].CardHints.Count);
    }

    [TestMethod]
    public void Import_BadLines_NothingImported_EveryProblemByLine_NoUidRepeated()
    {
        var result = Import($"{Header}\nR-1,张桂兰,a,b,pendant-0001,04A1B2C3\n,no record,a,b,,\nR-3,x,a,b,Bad Device,\nR-4,y,a,b,,12345\nR-5,only,three\n");

        Assert.AreEqual(0, result.Imported);
        Assert.AreEqual(0, _desk.Elders.List().Count, "all or nothing");
        CollectionAssert.AreEqual(new[]
        {
            "line 3: record_no is required (at most 64 characters)",
            "line 4: devices: not a device id (1-32 of a-z, 0-9, '-')",
            "line 5: cards: not a card UID (hex of 4, 7 or 10 bytes)",
            "line 6: 3 fields, expected 6",
        }, result.Problems.ToList());
        Assert.IsFalse(result.Problems.Any(p => p.Contains("12345", StringComparison.Ordinal)), "a card value is never echoed");
    }

    [TestMethod]
    [DataRow("")]
    [DataRow("name,address\nx,y\n")]
    [DataRow(Header + "\n")]
    public void Import_NoHeaderOrNoRecords_Refused(string csv)
    {
        var result = Import(csv);

        Assert.AreEqual(0, result.Imported);
        Assert.AreEqual(1, result.Problems.Count);
    }

    private ImportResult Import(string csv)
    {
        using var reader = new StringReader(csv);
        return _desk.Elders.Import(reader, "admin", _desk.Now);
    }
}
