using Eldercare.Firmware.Core.Hardware;

namespace Eldercare.Firmware.Core.Outbox
{
    /// <summary>
    /// Carries outbox events to the broker, one QoS 1 publish in flight at a time so the
    /// order within a lane is the order of creation. The event leaves the outbox only on
    /// its PUBACK; a publish that fails or gets no answer within the timeout is sent
    /// again with the same id (the gateway deduplicates).
    /// </summary>
    public sealed class OutboxSender
    {
        private readonly PersistentOutbox _outbox;
        private readonly IMqttLink _link;
        private readonly string _topic;
        private readonly int _ackTimeoutMilliseconds;
        private readonly object _lock = new object();
        private OutboxEntry _inFlight;
        private int _inFlightToken;
        private long _inFlightSinceMilliseconds;
        private int _nextToken;

        public OutboxSender(PersistentOutbox outbox, IMqttLink link, string eventsTopic, int ackTimeoutMilliseconds)
        {
            _outbox = outbox;
            _link = link;
            _topic = eventsTopic;
            _ackTimeoutMilliseconds = ackTimeoutMilliseconds;
            _link.PublishCompleted += OnPublishCompleted;
        }

        /// <summary>Raised (on the MQTT thread) when the gateway acknowledged an event.</summary>
        public event EntryDeliveredEventHandler Delivered;

        /// <summary>Publishes that were started again after a failure or a timeout.</summary>
        public int ResendCount { get; private set; }

        public bool IsIdle
        {
            get
            {
                lock (_lock)
                {
                    return _inFlight == null && _outbox.PeekNext() == null;
                }
            }
        }

        /// <summary>Call often (every app tick): starts the next publish when none is in flight.</summary>
        public void Pump(long nowMilliseconds)
        {
            OutboxEntry next;
            int token;
            lock (_lock)
            {
                if (_inFlight != null)
                {
                    if (nowMilliseconds - _inFlightSinceMilliseconds < _ackTimeoutMilliseconds)
                    {
                        return;
                    }

                    // No PUBACK in time: the link may have dropped. Send it again.
                    _inFlight = null;
                    ResendCount++;
                }

                if (!_link.IsConnected)
                {
                    return;
                }

                next = _outbox.PeekNext();
                if (next == null)
                {
                    return;
                }

                _nextToken++;
                token = _nextToken;
                _inFlight = next;
                _inFlightToken = token;
                _inFlightSinceMilliseconds = nowMilliseconds;
            }

            byte[] payload = _outbox.ReadPayload(next);
            if (payload == null)
            {
                lock (_lock)
                {
                    _inFlight = null;
                }

                _outbox.Discard(next);
                return;
            }

            if (!_link.Publish(_topic, payload, token))
            {
                lock (_lock)
                {
                    if (_inFlightToken == token)
                    {
                        _inFlight = null;
                    }
                }
            }
        }

        private void OnPublishCompleted(object sender, int token, bool acknowledged)
        {
            OutboxEntry delivered = null;
            lock (_lock)
            {
                if (_inFlight == null || token != _inFlightToken)
                {
                    return;
                }

                if (acknowledged)
                {
                    delivered = _inFlight;
                    _outbox.Remove(delivered);
                }
                else
                {
                    ResendCount++;
                }

                _inFlight = null;
            }

            if (delivered != null)
            {
                EntryDeliveredEventHandler handler = Delivered;
                if (handler != null)
                {
                    handler(this, delivered);
                }
            }
        }
    }
}
