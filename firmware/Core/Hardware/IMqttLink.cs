namespace Eldercare.Firmware.Core.Hardware
{
    /// <summary>
    /// The device's MQTT session, owned and (re)connected by the adapter (M2Mqtt on the
    /// device, MQTTnet on the host), with the device's own credentials and last will.
    /// The core only publishes QoS 1 and learns of PUBACKs through <see cref="PublishCompleted"/>. The adapter
    /// connects with clean session off and subscribes the device's command topic at QoS 1, so the gateway keeps
    /// downlinks for it while it is away (docs/wire-format.md "Commands"); they arrive through <see cref="MessageReceived"/>.
    /// </summary>
    public interface IMqttLink
    {
        bool IsConnected { get; }

        /// <summary>
        /// Starts a QoS 1 publish. Returns false at once if it could not be started
        /// (not connected). The outcome arrives later through <see cref="PublishCompleted"/>
        /// with the same <paramref name="token"/>, possibly on another thread.
        /// </summary>
        bool Publish(string topic, byte[] payload, int token);

        event PublishCompletedEventHandler PublishCompleted;

        /// <summary>A downlink arrived (possibly on another thread); acknowledged to the broker when the handler returns.</summary>
        event MessageReceivedEventHandler MessageReceived;
    }
}
