using System.Globalization;
using Eldercare.Faults.Tests.Support;
using Eldercare.Firmware.Core.Events;
using MQTTnet;
using MQTTnet.Protocol;

namespace Eldercare.Faults.Tests.Scenarios;

/// <summary>
/// Scenario 6: every device talks to the gateway through a TCP proxy that drops all links (reset) and drops
/// them in the middle of a packet, many times during the run; and one device publishes the same event over
/// and over (through the proxy too). One copy of everything at the cloud.
/// </summary>
[TestClass]
[TestCategory("Faults")]
public sealed class ConnectionCutTests
{
    private const int Resends = 200;

    [TestMethod]
    [Timeout(180_000, CooperativeCancellation = true)]
    public async Task FleetThroughCuttingProxy_LinksDroppedMidPublishAndOneEventResent200Times_OneCopyEach()
    {
        await using var fleet = await FleetHarness.StartAsync("6-connection-cut-resend", new FleetOptions { ThroughCuttingProxy = true });
        var proxy = fleet.Proxy!;
        {
            fleet.StartDevices();
            await fleet.WaitAllConnectedAsync(TimeSpan.FromSeconds(30));
            var load = fleet.RunLoadAsync();
            var resender = ResendSameEventAsync(proxy.Port);

            var rounds = 0;
            while (!load.IsCompleted && rounds < 40)
            {
                await Task.WhenAny(load, Task.Delay(fleet.Random.Next(250, 700))); // random moments of the run
                if (rounds % 2 == 0)
                {
                    proxy.CutMidPacket();
                }
                else
                {
                    proxy.CutAll();
                }

                rounds++;
            }

            await load;
            var (resentId, acknowledgedCopies) = await resender;
            var drain = await fleet.WaitForDrainAsync(TimeSpan.FromSeconds(90));

            var resentAtCloud = (await fleet.CloudEventsAsync()).Count(e => e.Id == resentId);
            var figures = await FleetVerifier.VerifyAsync(fleet, drain, new Dictionary<string, string>
            {
                ["cutRounds"] = rounds.ToString(CultureInfo.InvariantCulture),
                ["linksCut"] = proxy.Cuts.ToString(CultureInfo.InvariantCulture),
                ["midPacketCuts"] = proxy.MidPacketCuts.ToString(CultureInfo.InvariantCulture),
                ["resentEvent"] = resentId,
                ["resendsAcknowledged"] = acknowledgedCopies.ToString(CultureInfo.InvariantCulture),
                ["resentEventCopiesAtCloud"] = resentAtCloud.ToString(CultureInfo.InvariantCulture),
            });

            Assert.IsGreaterThanOrEqualTo(10_000, figures.Acknowledged);
            Assert.IsGreaterThan(0, proxy.MidPacketCuts, "links were dropped in the middle of a packet");
            Assert.IsGreaterThan(Resends / 2, acknowledgedCopies, "the resender got most copies acknowledged");
            Assert.AreEqual(1, resentAtCloud, "one copy of the resent event at the cloud");
        }
    }

    /// <summary>A device (pendant-0101) that publishes the same event <see cref="Resends"/> times, reconnecting after each cut.</summary>
    private static async Task<(string Id, int Acknowledged)> ResendSameEventAsync(int port)
    {
        var deviceId = FleetHarness.DeviceId(101);
        var e = new DeviceEvent(deviceId, 1, 1, EventTypes.Sos, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var payload = EventCodec.Encode(e);
        using var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId(deviceId)
            .WithCredentials(deviceId, FleetHarness.SecretOf(deviceId)).WithTimeout(TimeSpan.FromSeconds(5)).Build();
        var acknowledged = 0;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (acknowledged < Resends && DateTime.UtcNow < deadline)
        {
            try
            {
                if (!client.IsConnected)
                {
                    await client.ConnectAsync(options);
                }

                var result = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(Topics.Events(deviceId)).WithPayload(payload)
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
                acknowledged += result.IsSuccess ? 1 : 0;
            }
            catch (Exception exception) when (exception is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException)
            {
                // Cut by the proxy: reconnect (after a pause, as a device's backoff would) and send the same event again.
                Console.WriteLine("resender: " + exception.GetType().Name + ": " + exception.Message);
                await Task.Delay(100);
            }
        }

        return (e.Id, acknowledged);
    }
}
