using Eldercare.Firmware.Core.Hardware;

namespace Eldercare.Firmware.Tests.Fakes;

/// <summary>An MQTT link whose PUBACKs the test delivers by hand.</summary>
public sealed class FakeMqttLink : IMqttLink
{
    public event PublishCompletedEventHandler? PublishCompleted;

    public event MessageReceivedEventHandler? MessageReceived;

    /// <summary>Delivers a downlink as the broker would.</summary>
    public void Deliver(string topic, byte[] payload) => MessageReceived?.Invoke(this, topic, payload);

    public bool IsConnected { get; set; } = true;

    public List<(string Topic, byte[] Payload, int Token)> Published { get; } = [];

    public bool Publish(string topic, byte[] payload, int token)
    {
        if (!IsConnected)
        {
            return false;
        }

        Published.Add((topic, payload, token));
        return true;
    }

    /// <summary>Answers the most recent publish.</summary>
    public void Complete(bool acknowledged = true) =>
        PublishCompleted?.Invoke(this, Published[^1].Token, acknowledged);

    public void Complete(int token, bool acknowledged) => PublishCompleted?.Invoke(this, token, acknowledged);
}
