using System.Collections;
using System.Text;
using Eldercare.Firmware.Core.Commands;
using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Hardware;
using Eldercare.Firmware.Core.Identity;
using Eldercare.Firmware.Core.Outbox;
using Eldercare.Firmware.Core.Sos;

namespace Eldercare.Firmware.Core.Kiosk
{
    // Size (~455 lines): one job, the kiosk's state machine. Its states (the card session, the requests filed this boot
    // and where each is, the anonymous repeat guard) are read and changed by the app loop, the PUBACK and the
    // acknowledgement under one lock; split, each part would take that lock and the request list with it. What other
    // devices share is already outside: the outbox and its sender, the sequencer, the SOS button's gestures, the
    // command inbox (Commands/CommandInbox), the configuration (Commands/ConfigurationKeeper, Kiosk/KioskConfigurator) and
    // the events that are not requests (Kiosk/KioskEventRaiser).
    /// <summary>
    /// The community kiosk (社区便民服务一体机): a card tap opens a session and files a check-in; a service button
    /// files a 六助 request for the session's card (anonymous without one); the same service twice in a session files
    /// nothing new; the SOS button, held, raises an SOS with or without a card. Each request is shown as sent, then
    /// "not delivered yet" while the link is down (the outbox keeps it), received on the gateway's PUBACK and accepted
    /// when a person acknowledges it (a downlink). One logic for the ESP32 and the host twin: call <see cref="Tick"/>
    /// every 10-20 ms on one thread; downlinks and PUBACKs arrive on the MQTT thread.
    /// </summary>
    public sealed class KioskApp
    {
        /// <summary>The "service" shown for an SOS request.</summary>
        public const string SosService = "sos";

        private const int MaxTracked = 16;

        private readonly KioskOptions _options;
        private readonly KioskHardware _hardware;
        private readonly EventSequencer _sequencer;
        private readonly PersistentOutbox _outbox;
        private readonly OutboxSender _sender;
        private readonly SosButton _sos;
        private readonly SosButton[] _services;
        private readonly CommandInbox _commands;
        private readonly ConfigurationKeeper _configuration;
        private readonly KioskEventRaiser _events;
        private readonly object _lock = new object();
        private readonly ArrayList _requests = new ArrayList();
        private readonly byte[] _uid = new byte[16];
        private readonly string[] _anonymousService = new string[ServiceCodes.Count];
        private readonly long[] _anonymousUntil = new long[ServiceCodes.Count];
        private string _sessionCard;
        private long _sessionUntil;
        private string _sessionServices = string.Empty;
        private string _presentCard;
        private long _nextCardPoll;
        private long _nextHeartbeat;
        private bool _started;

        public KioskApp(KioskOptions options, KioskHardware hardware)
        {
            _options = options;
            _hardware = hardware;
            _sequencer = new EventSequencer(hardware.Storage, hardware.Clock);
            _outbox = new PersistentOutbox(hardware.Storage, options.Outbox);
            _sender = new OutboxSender(_outbox, hardware.Link, Topics.Events(options.DeviceId), options.AckTimeoutMilliseconds);
            _sos = new SosButton(options.SosButton);
            _services = new SosButton[hardware.ServiceButtons.Length];
            for (int i = 0; i < _services.Length; i++)
            {
                _services[i] = new SosButton(options.SosButton);
            }

            _commands = new CommandInbox(options.DeviceId);
            _events = new KioskEventRaiser(options.DeviceId, _sequencer, _outbox, hardware.Clock);
            _configuration = new ConfigurationKeeper(hardware.Storage, new KioskConfigurator(options), _events);
            _sender.Delivered += OnDelivered;
            hardware.Link.MessageReceived += OnMessageReceived;
        }

        public string DeviceId
        {
            get { return _options.DeviceId; }
        }

        public int BootEpoch
        {
            get { return _sequencer.BootEpoch; }
        }

        public PersistentOutbox Outbox
        {
            get { return _outbox; }
        }

        /// <summary>The card of the open session, or null.</summary>
        public string SessionCard
        {
            get
            {
                lock (_lock)
                {
                    return _sessionCard;
                }
            }
        }

        /// <summary>Card reads refused (a UID of a length no card has, a failed read), since start.</summary>
        public int CardReadsRejected { get; private set; }

        /// <summary>Presses of a service already requested in the session (nothing filed), since start.</summary>
        public int RepeatedRequests { get; private set; }

        /// <summary>Downlinks refused, since start; <see cref="LastCommandRejection"/> says why.</summary>
        public int CommandsRejected
        {
            get { return _commands.Rejected; }
        }

        public string LastCommandRejection
        {
            get { return _commands.LastRejection; }
        }

        /// <summary>The configuration downlinks: the version running, what was applied or refused and why.</summary>
        public ConfigurationKeeper Configuration
        {
            get { return _configuration; }
        }

        /// <summary>Requests that could not be filed (outbox full of requests, flash failure), since start.</summary>
        public int RequestsNotFiled { get; private set; }

        /// <summary>Bumps the boot epoch, reloads the outbox, queues the first heartbeat. False (fault shown) if invalid.</summary>
        public bool Start()
        {
            if (_options.Validate() != null || _hardware.ServiceButtons.Length != ServiceCodes.Count)
            {
                _hardware.Buzzer.Show(IndicatorPattern.Fault);
                return false;
            }

            bool saved = _sequencer.Start();
            _outbox.Load();
            long now = _hardware.Clock.UptimeMilliseconds;
            _configuration.Load(now);
            _nextHeartbeat = now;
            _nextCardPoll = now;
            _started = true;
            if (!saved)
            {
                _hardware.Buzzer.Show(IndicatorPattern.Fault);
            }

            return saved;
        }

        /// <summary>One step: card reader, buttons, session expiry, link state, heartbeat, outbox.</summary>
        public void Tick()
        {
            if (!_started)
            {
                return;
            }

            long now = _hardware.Clock.UptimeMilliseconds;
            _configuration.Tick(now);
            if (now >= _nextCardPoll)
            {
                _nextCardPoll = now + _options.CardPollMilliseconds;
                PollCard(now);
            }

            if (_sos.Update(_hardware.SosButton.IsPressed, now) == ButtonGesture.LongPress)
            {
                File(EventTypes.Sos, null, now);
            }

            for (int i = 0; i < _services.Length; i++)
            {
                // A press of any length is a request; a held button files once (on release or at the long press).
                ButtonGesture gesture = _services[i].Update(_hardware.ServiceButtons[i].IsPressed, now);
                if (gesture != ButtonGesture.None)
                {
                    RequestService(i, now);
                }
            }

            lock (_lock)
            {
                if (_sessionCard != null && now >= _sessionUntil)
                {
                    _sessionCard = null;
                    _sessionServices = string.Empty;
                    _hardware.Display.ShowSession(false, null);
                }
            }

            UpdateLinkState();
            if (_nextHeartbeat > now + (_options.HeartbeatIntervalSeconds * 1000L))
            {
                _nextHeartbeat = now + (_options.HeartbeatIntervalSeconds * 1000L); // a shorter period from a configuration
            }

            if (now >= _nextHeartbeat)
            {
                _nextHeartbeat = now + (_options.HeartbeatIntervalSeconds * 1000L);
                _events.RaiseHeartbeat(_options.FirmwareVersion, _hardware.Radio, _options.HeartbeatIntervalSeconds);
            }

            _sender.Pump(now);
        }

        /// <summary>The state of the request filed as <paramref name="sequence"/> this boot, or 0 if it is not tracked.</summary>
        public RequestState StateOf(int sequence)
        {
            lock (_lock)
            {
                KioskRequest request = Find(sequence);
                return request == null ? 0 : request.State;
            }
        }

        private void PollCard(long now)
        {
            int length = _hardware.CardReader.ReadUid(_uid);
            if (length == 0)
            {
                _presentCard = null;
                return;
            }

            if (length != 4 && length != 7 && length != 10)
            {
                // A failed read (negative) or a UID no ISO 14443 card has: never a tap.
                CardReadsRejected++;
                return;
            }

            string card = Hex(_uid, length);
            if (card == _presentCard)
            {
                return; // still lying on the reader: one tap
            }

            _presentCard = card;
            bool newSession;
            lock (_lock)
            {
                newSession = card != _sessionCard;
                if (newSession)
                {
                    _sessionCard = card;
                    _sessionServices = string.Empty;
                }

                _sessionUntil = now + (_options.SessionSeconds * 1000L);
            }

            _hardware.Display.ShowSession(true, Mask(card));
            if (newSession)
            {
                _events.RaiseRequest(EventTypes.CheckIn, card, null);
            }
        }

        private void RequestService(int button, long now)
        {
            string service = ServiceCodes.ByButton(button);
            string card;
            lock (_lock)
            {
                card = _sessionCard;
                if (card != null)
                {
                    if (_sessionServices.IndexOf("," + service + ",") >= 0)
                    {
                        RepeatedRequests++;
                        _hardware.Display.ShowAlreadyRequested(service);
                        return;
                    }

                    _sessionServices = _sessionServices.Length == 0 ? "," + service + "," : _sessionServices + service + ",";
                    _sessionUntil = now + (_options.SessionSeconds * 1000L);
                }
                else
                {
                    // Anonymous: the same service again within a session's length is the same request.
                    if (_anonymousService[button] != null && now < _anonymousUntil[button])
                    {
                        RepeatedRequests++;
                        _hardware.Display.ShowAlreadyRequested(service);
                        return;
                    }

                    _anonymousService[button] = service;
                    _anonymousUntil[button] = now + (_options.SessionSeconds * 1000L);
                }
            }

            File(EventTypes.ServiceRequest, service, now);
        }

        private void File(string type, string service, long now)
        {
            string card;
            lock (_lock)
            {
                card = _sessionCard;
            }

            int sequence = _events.RaiseRequest(type, card, service);
            string shown = type == EventTypes.Sos ? SosService : service;
            if (sequence <= 0)
            {
                RequestsNotFiled++;
                _hardware.Buzzer.Show(IndicatorPattern.Fault);
                return;
            }

            lock (_lock)
            {
                if (_requests.Count >= MaxTracked)
                {
                    _requests.RemoveAt(0);
                }

                _requests.Add(new KioskRequest(sequence, shown, card));
            }

            if (type == EventTypes.Sos)
            {
                _hardware.Buzzer.Show(IndicatorPattern.AlarmRaised);
            }

            _hardware.Display.ShowRequest(shown, RequestState.Sent);
        }


        private void UpdateLinkState()
        {
            bool connected = _hardware.Link.IsConnected;
            lock (_lock)
            {
                for (int i = 0; i < _requests.Count; i++)
                {
                    KioskRequest request = (KioskRequest)_requests[i];
                    RequestState next = request.State;
                    if (request.State == RequestState.Sent && !connected)
                    {
                        next = RequestState.NotDeliveredYet;
                    }
                    else if (request.State == RequestState.NotDeliveredYet && connected)
                    {
                        next = RequestState.Sent;
                    }

                    if (next != request.State)
                    {
                        request.State = next;
                        _hardware.Display.ShowRequest(request.Service, next);
                    }
                }
            }
        }

        private void OnDelivered(object sender, OutboxEntry entry)
        {
            if (entry.BootEpoch != _sequencer.BootEpoch)
            {
                return;
            }

            lock (_lock)
            {
                KioskRequest request = Find(entry.Sequence);
                if (request != null && request.State != RequestState.Accepted)
                {
                    request.State = RequestState.Received;
                    _hardware.Display.ShowRequest(request.Service, RequestState.Received);
                }
            }
        }

        private void OnMessageReceived(object sender, string topic, byte[] payload)
        {
            DeviceCommand command = _commands.Accept(topic, payload);
            if (command == null)
            {
                return;
            }

            if (command.Config != null)
            {
                _configuration.Receive(command.Config);
                return;
            }

            int bootEpoch = command.ReferenceBootEpoch, sequence = command.ReferenceSequence;

            lock (_lock)
            {
                KioskRequest request = bootEpoch == _sequencer.BootEpoch ? Find(sequence) : null;
                if (request == null || request.State == RequestState.Accepted)
                {
                    return; // an old request (or the same acknowledgement again): nothing to show
                }

                request.State = RequestState.Accepted;
                _hardware.Display.ShowRequest(request.Service, RequestState.Accepted);
                if (request.Service == SosService)
                {
                    _hardware.Buzzer.Show(IndicatorPattern.HelpComing);
                }
            }
        }

        private KioskRequest Find(int sequence)
        {
            for (int i = 0; i < _requests.Count; i++)
            {
                KioskRequest request = (KioskRequest)_requests[i];
                if (request.Sequence == sequence)
                {
                    return request;
                }
            }

            return null;
        }

        private static string Hex(byte[] data, int length)
        {
            StringBuilder b = new StringBuilder(length * 2);
            for (int i = 0; i < length; i++)
            {
                int high = data[i] >> 4;
                int low = data[i] & 0xF;
                b.Append((char)(high < 10 ? '0' + high : 'A' + high - 10));
                b.Append((char)(low < 10 ? '0' + low : 'A' + low - 10));
            }

            return b.ToString();
        }

        /// <summary>Only the last 4 hex digits are ever shown: the UID is personal data.</summary>
        private static string Mask(string card)
        {
            return "*" + card.Substring(card.Length - 4);
        }
    }
}
