#nullable disable // nanoFramework has no nullable annotations; this file is also compiled into the host tests (tests/Firmware.Tests).
namespace Eldercare.Firmware.Devices
{
    /// <summary>
    /// Which core token each M2Mqtt message id stands for, while its PUBACK is awaited. M2Mqtt reports a QoS 1 publish as
    /// MqttMsgPublished(MessageId, IsPublished) on its own thread; the core knows its publishes by token. Bounded (the
    /// outbox sends one event at a time); M2Mqtt's in-flight session lives in RAM only, so when the connection goes
    /// <see cref="TakeAll"/> hands back every token still waiting, to be reported as not acknowledged. Not thread-safe:
    /// the adapter holds its lock around every call. Pure, tested on the host.
    /// </summary>
    public sealed class PublishTracker
    {
        private readonly int[] _messageIds;
        private readonly int[] _tokens;
        private readonly bool[] _used;

        public PublishTracker(int slots)
        {
            _messageIds = new int[slots];
            _tokens = new int[slots];
            _used = new bool[slots];
        }

        public int Pending { get; private set; }

        public bool HasRoom
        {
            get { return Pending < _used.Length; }
        }

        /// <summary>Records a started publish; false when full (the caller then does not publish).</summary>
        public bool Add(int messageId, int token)
        {
            for (int i = 0; i < _used.Length; i++)
            {
                if (!_used[i])
                {
                    _messageIds[i] = messageId;
                    _tokens[i] = token;
                    _used[i] = true;
                    Pending++;
                    return true;
                }
            }

            return false;
        }

        /// <summary>The token of a PUBACK (or give-up) for this message id; false for an id not waited for (late, repeated).</summary>
        public bool TryComplete(int messageId, out int token)
        {
            for (int i = 0; i < _used.Length; i++)
            {
                if (_used[i] && _messageIds[i] == messageId)
                {
                    token = _tokens[i];
                    _used[i] = false;
                    Pending--;
                    return true;
                }
            }

            token = 0;
            return false;
        }

        /// <summary>Every token still waiting, oldest slot first, and forgets them (the connection is gone).</summary>
        public int[] TakeAll()
        {
            int[] tokens = new int[Pending];
            int count = 0;
            for (int i = 0; i < _used.Length; i++)
            {
                if (_used[i])
                {
                    tokens[count++] = _tokens[i];
                    _used[i] = false;
                }
            }

            Pending = 0;
            return tokens;
        }
    }
}
