using System;
using System.Device.Wifi;
using System.Net.NetworkInformation;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Hardware;
using nanoFramework.M2Mqtt;
using nanoFramework.M2Mqtt.Messages;
using nanoFramework.Networking;

namespace Eldercare.Firmware.Devices.Adapters
{
    /// <summary>
    /// Brings the link up and keeps it up, on its own thread (started by Main): Wi-Fi through WifiNetworkHelper with a
    /// timeout token (without one it waits forever) and, for TLS, a valid date from SNTP first (certificates cannot be
    /// checked in 1970); then a NEW M2Mqtt client for every connection (its constructor resolves DNS, so it is built only
    /// once the network is up), connected with the device's own credentials, clean session off (the gateway keeps its
    /// downlinks), a last will "offline" on its status topic, and the command topic subscribed at QoS 1. M2Mqtt never
    /// reconnects by itself: when ConnectionClosed fires (or a connect fails) this loop waits
    /// <see cref="ReconnectBackoff"/> (1 s doubling to 60 s, equal jitter) and tries again.
    /// On a battery device (scheduled) it is also the core's <see cref="IRadioPower"/>: the radio schedule
    /// (Core/Power/RadioSchedule) says when the radio is wanted; while it is not, the MQTT session ends with a DISCONNECT
    /// (the gateway keeps the persistent session and its downlinks, no last will) and Wi-Fi is disconnected (manual
    /// reconnection: the schedule, not the ESP32, decides when to associate), so the chip may light-sleep.
    /// </summary>
    public sealed class LinkSupervisor : IRadioPower
    {
        public const int WifiTimeoutMilliseconds = 30000;
        public const ushort KeepAliveSeconds = 60;
        public const int FirstRetryMilliseconds = 1000;
        public const int MaxRetryMilliseconds = 60000;

        /// <summary>
        /// Attempts that find Wi-Fi down before ConnectDhcp is called again. After the first call the ESP32 reconnects by
        /// itself (WifiReconnectionKind.Automatic); ConnectDhcp writes the credentials to flash on every call made while
        /// not connected, so it is not called on every failure (at the 60 s backoff cap: once per ~10 min of outage).
        /// </summary>
        private const int DownChecksBeforeWifiSetupAgain = 10;

        private readonly DeviceSettings _settings;
        private readonly M2MqttLink _link;
        private readonly X509Certificate _caCertificate;
        private readonly Random _random;
        private readonly ReconnectBackoff _backoff = new ReconnectBackoff(FirstRetryMilliseconds, MaxRetryMilliseconds);
        private readonly AutoResetEvent _closed = new AutoResetEvent(false);
        private readonly bool _scheduled;
        private bool _wifiSetUp;
        private int _wifiDownChecks;
        private readonly object _wantedLock = new object();
        private bool _wanted;

        /// <param name="scheduled">true on a battery device: the link is up only while <see cref="SetWanted"/> says so</param>
        public LinkSupervisor(DeviceSettings settings, M2MqttLink link, X509Certificate caCertificate, Random random, bool scheduled)
        {
            _settings = settings;
            _link = link;
            _caCertificate = caCertificate;
            _random = random;
            _scheduled = scheduled;
        }

        /// <summary>Sessions ended by the radio schedule, since start.</summary>
        public int RadioOffs { get; private set; }

        /// <summary>True while Wi-Fi is off by the schedule: the chip may light-sleep (Sleep.StartLightSleep needs Wi-Fi stopped).</summary>
        public bool RadioOff { get; private set; }

        /// <summary>The core's radio schedule (app thread): wakes the link thread when the wanted state changes.</summary>
        public void SetWanted(bool on)
        {
            bool changed;
            lock (_wantedLock)
            {
                changed = _wanted != on;
                _wanted = on;
            }

            if (changed)
            {
                _closed.Set();
            }
        }

        /// <summary>The last reason a connect failed, for the debug output; null after a success.</summary>
        public string LastProblem { get; private set; }

        public int Connects { get; private set; }

        /// <summary>The thread's body: never returns.</summary>
        public void Run()
        {
            while (true)
            {
                if (_scheduled && !Wanted())
                {
                    SwitchOff();
                    _closed.WaitOne(1000, false);
                    continue;
                }

                RadioOff = false;
                if (_link.IsConnected)
                {
                    // Woken by ConnectionClosed, or every 10 s to look again (a closed socket without the event).
                    _closed.WaitOne(10000, false);
                    continue;
                }

                Close(_link.Detach());
                LastProblem = TryConnect();
                if (LastProblem == null)
                {
                    _backoff.Reset();
                    Connects++;
                    continue;
                }

                // Woken early when the schedule no longer wants the radio.
                _closed.WaitOne(_backoff.NextDelayMilliseconds(_random.Next(1000)), false);
            }
        }

        private bool Wanted()
        {
            lock (_wantedLock)
            {
                return _wanted;
            }
        }

        /// <summary>The schedule wants the radio off: DISCONNECT (no last will), then Wi-Fi off.</summary>
        private void SwitchOff()
        {
            if (RadioOff)
            {
                return;
            }

            MqttClient client = _link.Detach();
            if (client != null)
            {
                client.ConnectionClosed -= OnConnectionClosed;
                try
                {
                    client.Disconnect();
                }
                catch (Exception)
                {
                    // The connection was already gone: nothing to say goodbye to.
                }

                Close(client);
            }

            if (_wifiSetUp)
            {
                WifiNetworkHelper.Disconnect();
                _wifiSetUp = false;
            }

            _backoff.Reset();
            RadioOffs++;
            RadioOff = true;
        }

        private string TryConnect()
        {
            if (!_wifiSetUp || _wifiDownChecks >= DownChecksBeforeWifiSetupAgain)
            {
                _wifiSetUp = true;
                _wifiDownChecks = 0;
                CancellationTokenSource timeout = new CancellationTokenSource(WifiTimeoutMilliseconds);
                WifiReconnectionKind kind = _scheduled ? WifiReconnectionKind.Manual : WifiReconnectionKind.Automatic;
                bool up = WifiNetworkHelper.ConnectDhcp(_settings.Ssid, _settings.WifiPassword, kind, _settings.UseTls, 0, timeout.Token);
                timeout.Dispose();
                if (!up)
                {
                    return "wi-fi: status " + ((int)WifiNetworkHelper.Status).ToString();
                }
            }
            else if (!NetworkInterface.GetIsNetworkAvailable())
            {
                _wifiDownChecks++;
                return "wi-fi: down, the ESP32 is reconnecting";
            }

            _wifiDownChecks = 0;
            if (_settings.UseTls && !UptimeClock.IsWallClockSet)
            {
                return "tls: no valid date yet";
            }

            MqttClient client;
            try
            {
                client = new MqttClient(
                    _settings.GatewayHost,
                    _settings.GatewayPort,
                    _settings.UseTls,
                    _caCertificate,
                    null,
                    _settings.UseTls ? MqttSslProtocols.TLSv1_2 : MqttSslProtocols.None);
                client.ProtocolVersion = MqttProtocolVersion.Version_3_1_1;
            }
            catch (Exception)
            {
                return "dns: " + _settings.GatewayHost + " not resolved";
            }

            string id = _settings.DeviceId;
            try
            {
                MqttReasonCode code = client.Connect(id, id, _settings.Secret, false, MqttQoSLevel.AtLeastOnce, true, Topics.Status(id), "offline", false, KeepAliveSeconds);
                if (code != MqttReasonCode.Success)
                {
                    Close(client);
                    return "mqtt: connect refused, reason " + ((int)code).ToString();
                }

                client.ConnectionClosed += OnConnectionClosed;
                _link.Attach(client);
                client.Subscribe(new string[] { Topics.Commands(id) }, new MqttQoSLevel[] { MqttQoSLevel.AtLeastOnce });
                client.Publish(Topics.Status(id), Utf8.GetBytes("online"), null, null, MqttQoSLevel.AtLeastOnce, false);
            }
            catch (Exception)
            {
                Close(_link.Detach());
                Close(client);
                return "mqtt: connection lost while connecting";
            }

            return null;
        }

        private void OnConnectionClosed(object sender, EventArgs e)
        {
            _closed.Set();
        }

        private void Close(MqttClient client)
        {
            if (client == null)
            {
                return;
            }

            client.ConnectionClosed -= OnConnectionClosed;
            try
            {
                client.Close();
            }
            catch (Exception)
            {
                // Already closed.
            }
        }
    }
}
