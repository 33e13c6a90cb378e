using System;
using Eldercare.Firmware.Core.Hardware;
using nanoFramework.M2Mqtt;
using nanoFramework.M2Mqtt.Messages;

namespace Eldercare.Firmware.Devices.Adapters
{
    /// <summary>
    /// The core's MQTT link over the M2Mqtt client that <see cref="LinkSupervisor"/> connects. QoS 1 publishes only
    /// (the six-argument Publish is the only overload with QoS); M2Mqtt reports each as MqttMsgPublished with the message
    /// id and IsPublished, which is false when the client gave up after its own 3 retries 1 s apart: that is reported to
    /// the core as "not acknowledged" and the outbox sends the event again (same id) later. M2Mqtt keeps its in-flight
    /// messages in RAM only, so when the connection goes every publish still waiting is reported as not acknowledged at
    /// once (<see cref="Detach"/>); nothing is lost, the outbox on flash still holds it.
    /// </summary>
    public sealed class M2MqttLink : IMqttLink
    {
        /// <summary>The outbox sends one event at a time; a few more slots cover a status publish and a slow PUBACK.</summary>
        private const int Slots = 8;

        private readonly object _lock = new object();
        private readonly PublishTracker _pending = new PublishTracker(Slots);
        private MqttClient _client;

        public event PublishCompletedEventHandler PublishCompleted;

        public event MessageReceivedEventHandler MessageReceived;

        public bool IsConnected
        {
            get
            {
                MqttClient client = _client;
                return client != null && client.IsConnected;
            }
        }

        /// <summary>Publishes refused because every slot was waiting for a PUBACK, since start.</summary>
        public int RefusedNoSlot { get; private set; }

        public bool Publish(string topic, byte[] payload, int token)
        {
            // The lock is held across Publish so that a PUBACK arriving on M2Mqtt's thread before the id is recorded
            // waits for it (OnPublished takes the same lock).
            lock (_lock)
            {
                MqttClient client = _client;
                if (client == null || !client.IsConnected)
                {
                    return false;
                }

                if (!_pending.HasRoom)
                {
                    RefusedNoSlot++;
                    return false;
                }

                ushort messageId;
                try
                {
                    messageId = client.Publish(topic, payload, null, null, MqttQoSLevel.AtLeastOnce, false);
                }
                catch (Exception)
                {
                    // In-flight queue full or the socket just closed: the outbox tries again.
                    return false;
                }

                _pending.Add(messageId, token);
            }

            return true;
        }

        /// <summary>Takes over a freshly connected client (from the supervisor).</summary>
        public void Attach(MqttClient client)
        {
            client.MqttMsgPublished += OnPublished;
            client.MqttMsgPublishReceived += OnPublishReceived;
            lock (_lock)
            {
                _client = client;
            }
        }

        /// <summary>Lets go of the client after its connection closed; publishes still waiting are reported as not acknowledged.</summary>
        public MqttClient Detach()
        {
            MqttClient client;
            int[] pending;
            lock (_lock)
            {
                client = _client;
                _client = null;
                pending = _pending.TakeAll();
            }

            if (client != null)
            {
                client.MqttMsgPublished -= OnPublished;
                client.MqttMsgPublishReceived -= OnPublishReceived;
            }

            for (int i = 0; i < pending.Length; i++)
            {
                Report(pending[i], false);
            }

            return client;
        }

        private void OnPublished(object sender, MqttMsgPublishedEventArgs e)
        {
            int token;
            bool found;
            lock (_lock)
            {
                found = _pending.TryComplete(e.MessageId, out token);
            }

            if (found)
            {
                Report(token, e.IsPublished);
            }
        }

        private void OnPublishReceived(object sender, MqttMsgPublishEventArgs e)
        {
            MessageReceivedEventHandler handler = MessageReceived;
            if (handler != null)
            {
                handler(this, e.Topic, e.Message);
            }
        }

        private void Report(int token, bool acknowledged)
        {
            PublishCompletedEventHandler handler = PublishCompleted;
            if (handler != null)
            {
                handler(this, token, acknowledged);
            }
        }
    }
}
