using Eldercare.Edge.Gateway.Broker;
using Eldercare.TestSupport;

namespace Eldercare.Edge.Tests.Broker;

[TestClass]
[TestCategory("Unit")]
public sealed class MosquittoAclTests
{
    /// <summary>The example operators copy to /etc/mosquitto is the same rule set, comments aside.</summary>
    [TestMethod]
    public void AclExample_RuleLines_AreTheGatewaysAcl()
    {
        var example = File.ReadAllLines(Path.Combine(RepoPaths.Root, "edge", "mosquitto", "acl.example"))
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .ToArray();

        CollectionAssert.AreEqual(MosquittoAcl.Lines("eldercare-gateway").Where(line => line.Length > 0).ToArray(), example);
    }
}
