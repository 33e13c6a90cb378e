using Eldercare.Edge.Gateway.Forwarding;
using Eldercare.Edge.Tests.Support;
using Eldercare.Firmware.Core.Events;
using MQTTnet;

namespace Eldercare.Edge.Tests.Forwarding;

/// <summary>The MQTT upstream's partial-answer rule: what each PUBACK reason code (or none) means for its event.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class MqttPublishAnswersTests
{
    [TestMethod]
    [DataRow(MqttClientPublishReasonCode.Success, false, MqttPublishVerdict.Accepted)]
    [DataRow(MqttClientPublishReasonCode.NoMatchingSubscribers, false, MqttPublishVerdict.Retry)]
    [DataRow(MqttClientPublishReasonCode.NoMatchingSubscribers, true, MqttPublishVerdict.Accepted)]
    [DataRow(MqttClientPublishReasonCode.TopicNameInvalid, false, MqttPublishVerdict.Rejected)]
    [DataRow(MqttClientPublishReasonCode.PayloadFormatInvalid, false, MqttPublishVerdict.Rejected)]
    [DataRow(MqttClientPublishReasonCode.NotAuthorized, false, MqttPublishVerdict.Retry)]
    [DataRow(MqttClientPublishReasonCode.QuotaExceeded, false, MqttPublishVerdict.Retry)]
    [DataRow(MqttClientPublishReasonCode.UnspecifiedError, false, MqttPublishVerdict.Retry)]
    [DataRow(MqttClientPublishReasonCode.ImplementationSpecificError, false, MqttPublishVerdict.Retry)]
    [DataRow(MqttClientPublishReasonCode.PacketIdentifierInUse, false, MqttPublishVerdict.Retry)]
    public void Judge_ReasonCode_Verdict(MqttClientPublishReasonCode code, bool acceptWithoutSubscribers, MqttPublishVerdict expected)
    {
        Assert.AreEqual(expected, MqttPublishAnswers.Judge(code, acceptWithoutSubscribers));
    }

    [TestMethod]
    public void ToAnswer_MixedPubacks_AcceptedRejectedAndTheRestGoAgain()
    {
        var batch = Enumerable.Range(1, 5).Select(seq => TestEvents.Record("pendant-1", seq, EventTypes.Heartbeat)).ToList();
        MqttClientPublishReasonCode?[] codes =
        [
            MqttClientPublishReasonCode.Success,
            MqttClientPublishReasonCode.PayloadFormatInvalid,
            null,
            MqttClientPublishReasonCode.QuotaExceeded,
            MqttClientPublishReasonCode.Success,
        ];

        var answer = MqttPublishAnswers.ToAnswer(batch, codes, acceptWithoutSubscribers: false, out var retryReason);

        CollectionAssert.AreEqual(new[] { "pendant-1:1:1", "pendant-1:1:5" }, answer.Accepted.ToArray());
        Assert.HasCount(1, answer.Rejected);
        Assert.AreEqual(new UpstreamRejection("pendant-1:1:2", "mqtt_payload_format_invalid"), answer.Rejected[0]);
        Assert.AreEqual("pendant-1:1:3: no PUBACK", retryReason, "the first event that goes again, and why");
    }

    [TestMethod]
    public void ToAnswer_EveryPubackSuccess_NoRetryReason()
    {
        var batch = Enumerable.Range(1, 3).Select(seq => TestEvents.Record("pendant-2", seq)).ToList();

        var answer = MqttPublishAnswers.ToAnswer(batch, [MqttClientPublishReasonCode.Success, MqttClientPublishReasonCode.Success, MqttClientPublishReasonCode.Success], false, out var retryReason);

        Assert.HasCount(3, answer.Accepted);
        Assert.IsEmpty(answer.Rejected);
        Assert.IsNull(retryReason);
    }

    [TestMethod]
    public void ToAnswer_NoSubscriberAnywhere_NothingTakenAndTheReasonSaysSo()
    {
        var batch = new[] { TestEvents.Record("pendant-3", 1) };

        var answer = MqttPublishAnswers.ToAnswer(batch, [MqttClientPublishReasonCode.NoMatchingSubscribers], false, out var retryReason);

        Assert.IsEmpty(answer.Accepted);
        Assert.IsEmpty(answer.Rejected);
        Assert.AreEqual("pendant-3:1:1: PUBACK NoMatchingSubscribers", retryReason);
        Assert.ThrowsExactly<UpstreamException>(() => ForwardReport.Evaluate(batch, answer), "the forwarder retries a batch nothing of which was taken");
    }

    [TestMethod]
    public void ToAnswer_OutcomeCountDiffers_Throws()
    {
        var batch = new[] { TestEvents.Record("pendant-4", 1), TestEvents.Record("pendant-4", 2) };

        Assert.ThrowsExactly<ArgumentException>(() => MqttPublishAnswers.ToAnswer(batch, [MqttClientPublishReasonCode.Success], false, out _));
    }

    [TestMethod]
    public void ReasonOf_OtherCode_NumericReason()
    {
        Assert.AreEqual("mqtt_topic_name_invalid", MqttPublishAnswers.ReasonOf(MqttClientPublishReasonCode.TopicNameInvalid));
        Assert.AreEqual("mqtt_151", MqttPublishAnswers.ReasonOf(MqttClientPublishReasonCode.QuotaExceeded));
    }
}
