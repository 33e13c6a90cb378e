namespace Eldercare.Firmware.Core.Hardware
{
    /// <summary>
    /// Raised for a message the broker delivered on one of the device's subscriptions (its command topic):
    /// M2Mqtt's MqttMsgPublishReceived on the device, MQTTnet's ApplicationMessageReceivedAsync on the host.
    /// The adapter acknowledges it (QoS 1) after the handler returns.
    /// </summary>
    public delegate void MessageReceivedEventHandler(object sender, string topic, byte[] payload);
}
