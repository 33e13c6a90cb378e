namespace Eldercare.Firmware.Core.Hardware
{
    /// <summary>
    /// Raised when a QoS 1 publish started with <see cref="IMqttLink.Publish"/> ends:
    /// <paramref name="acknowledged"/> is true only on the broker's PUBACK (M2Mqtt's
    /// MqttMsgPublished with IsPublished, MQTTnet's PublishAsync result).
    /// </summary>
    public delegate void PublishCompletedEventHandler(object sender, int token, bool acknowledged);
}
