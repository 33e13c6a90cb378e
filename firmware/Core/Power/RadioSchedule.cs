namespace Eldercare.Firmware.Core.Power
{
    /// <summary>
    /// When a battery device's radio is up (pure: time comes in, the wanted radio state goes out; the app drives it on
    /// its own thread). The radio is off between sends:
    /// <list type="bullet">
    /// <item>an alarm in the outbox brings it up at once and keeps it up until the gateway's PUBACK;</item>
    /// <item>then it stays up <see cref="RadioScheduleOptions.AlarmHoldSeconds"/> while no person acknowledged the alarm
    /// (the "help is coming" downlink), then polls with a short session every
    /// <see cref="RadioScheduleOptions.AlarmPollSeconds"/> until the acknowledgement or
    /// <see cref="RadioScheduleOptions.AlarmFollowSeconds"/>;</item>
    /// <item>otherwise one scheduled session per heartbeat period (<see cref="SessionStarted"/> tells the app to queue
    /// its heartbeat): up until the outbox is empty and <see cref="RadioScheduleOptions.LingerMilliseconds"/> passed
    /// since it connected (configuration downlinks kept by the gateway arrive then), at most
    /// <see cref="RadioScheduleOptions.SessionLimitSeconds"/>; a full batch of queued events brings it forward.</item>
    /// </list>
    /// </summary>
    public sealed class RadioSchedule
    {
        /// <summary>Why the radio is wanted now (<see cref="Reason"/>).</summary>
        public const string ReasonOff = "off";
        public const string ReasonSession = "session";
        public const string ReasonAlarm = "alarm";
        public const string ReasonAlarmHold = "ack-wait";

        private readonly RadioScheduleOptions _options;
        private long _nextSessionAt;
        private bool _sessionOpen;
        private long _sessionStartedAt;
        private long _connectedAt = -1;
        private long _alarmAt = -1;
        private long _nextPollAt;
        private bool _wasAlarmQueued;
        private long _lastUpdateAt = -1;
        private bool _wanted;

        public RadioSchedule(RadioScheduleOptions options)
        {
            _options = options;
            Reason = ReasonOff;
        }

        /// <summary>True on the update that opened a scheduled session: the app queues its heartbeat then.</summary>
        public bool SessionStarted { get; private set; }

        /// <summary>What the last update decided.</summary>
        public bool Wanted
        {
            get { return _wanted; }
        }

        /// <summary>Why (one of the Reason constants).</summary>
        public string Reason { get; private set; }

        /// <summary>Sessions opened (scheduled, brought forward by a full batch, or alarm polls), since start.</summary>
        public int Sessions { get; private set; }

        /// <summary>Times an alarm brought the radio up, since start.</summary>
        public int AlarmWakes { get; private set; }

        /// <summary>Sessions that ended at their limit without ever connecting.</summary>
        public int FailedSessions { get; private set; }

        /// <summary>Milliseconds the radio was wanted up, since start (the power budget's radio duty on the twin).</summary>
        public long RadioOnMilliseconds { get; private set; }

        /// <summary>Milliseconds since start (first update to last).</summary>
        public long ElapsedMilliseconds { get; private set; }

        /// <summary>The first scheduled session is at once (the boot heartbeat, downlinks kept while the device was off).</summary>
        public void Start(long now)
        {
            _nextSessionAt = now;
            _lastUpdateAt = now;
        }

        /// <param name="now">uptime, ms</param>
        /// <param name="periodMilliseconds">the heartbeat period now (a configuration may change it)</param>
        /// <param name="alarmQueued">an alarm-lane event waits in the outbox (not yet acknowledged by PUBACK)</param>
        /// <param name="queued">events in the outbox</param>
        /// <param name="awaitingPerson">an alarm waits for a person's acknowledgement</param>
        /// <param name="connected">the MQTT session is up</param>
        /// <returns>true when the radio should be up</returns>
        public bool Update(long now, long periodMilliseconds, bool alarmQueued, int queued, bool awaitingPerson, bool connected)
        {
            if (_lastUpdateAt >= 0)
            {
                long step = now - _lastUpdateAt;
                ElapsedMilliseconds += step;
                if (_wanted)
                {
                    RadioOnMilliseconds += step;
                }
            }

            _lastUpdateAt = now;
            SessionStarted = false;
            if (_nextSessionAt > now + periodMilliseconds)
            {
                _nextSessionAt = now + periodMilliseconds; // a shorter period from a configuration starts now
            }

            if (now >= _nextSessionAt)
            {
                _nextSessionAt = now + periodMilliseconds;
                SessionStarted = true;
                Open(now);
            }
            else if (!_sessionOpen && queued >= _options.BatchLimit)
            {
                Open(now);
            }

            if (alarmQueued)
            {
                if (!_wasAlarmQueued)
                {
                    AlarmWakes++;
                }

                _alarmAt = now;
                _nextPollAt = now + (_options.AlarmHoldSeconds * 1000L);
            }
            else if (!awaitingPerson)
            {
                _alarmAt = -1;
            }

            _wasAlarmQueued = alarmQueued;
            bool holding = _alarmAt >= 0 && now - _alarmAt < _options.AlarmHoldSeconds * 1000L;
            if (_alarmAt >= 0 && !holding && !_sessionOpen && now >= _nextPollAt && now - _alarmAt < _options.AlarmFollowSeconds * 1000L)
            {
                _nextPollAt = now + (_options.AlarmPollSeconds * 1000L);
                Open(now);
            }

            if (_sessionOpen)
            {
                CloseIfDone(now, queued, connected);
            }

            if (alarmQueued)
            {
                Reason = ReasonAlarm;
            }
            else if (holding)
            {
                Reason = ReasonAlarmHold;
            }
            else
            {
                Reason = _sessionOpen ? ReasonSession : ReasonOff;
            }

            _wanted = alarmQueued || holding || _sessionOpen;
            return _wanted;
        }

        private void Open(long now)
        {
            if (!_sessionOpen)
            {
                _sessionOpen = true;
                _sessionStartedAt = now;
                _connectedAt = -1;
                Sessions++;
            }
        }

        private void CloseIfDone(long now, int queued, bool connected)
        {
            if (connected && _connectedAt < 0)
            {
                _connectedAt = now;
            }

            bool done = connected && queued == 0 && now - _connectedAt >= _options.LingerMilliseconds;
            if (!done && now - _sessionStartedAt >= _options.SessionLimitSeconds * 1000L)
            {
                done = true;
                if (_connectedAt < 0)
                {
                    FailedSessions++;
                }
            }

            if (done)
            {
                _sessionOpen = false;
            }
        }
    }
}
