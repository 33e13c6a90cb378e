using System.Collections;
using Eldercare.Firmware.Core.Apps;
using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Hardware;

namespace Eldercare.Firmware.Core.Commands
{
    /// <summary>
    /// The device's half of a configuration downlink, the same for every device kind: a newer version is merged onto the
    /// effective configuration, checked by the app (<see cref="IConfigurable.Check"/>), kept on flash, applied without a
    /// reboot and reported (<c>config_applied</c>, ref = version); anything refused is reported as <c>config_rejected</c>
    /// with the reason in <c>info</c> and changes nothing. The same version again (a redelivery) is ignored; an older
    /// one is refused as stale. At start the kept configuration is applied again before the app runs.
    /// Downlinks arrive on the MQTT thread (<see cref="Receive"/>); they are applied on the app thread (<see cref="Tick"/>).
    /// </summary>
    public sealed class ConfigurationKeeper
    {
        /// <summary>The flash blob holding the effective configuration (as a config command: one format to read).</summary>
        public const string BlobName = "config";

        private const int MaxPending = 4;

        private readonly IStorage _storage;
        private readonly IConfigurable _target;
        private readonly IEventRaiser _raiser;
        private readonly object _lock = new object();
        private readonly ArrayList _pending = new ArrayList();

        public ConfigurationKeeper(IStorage storage, IConfigurable target, IEventRaiser raiser)
        {
            _storage = storage;
            _target = target;
            _raiser = raiser;
        }

        /// <summary>The effective configuration (merged from every applied version), or null while the defaults run.</summary>
        public DeviceConfig Current { get; private set; }

        /// <summary>The version running, 0 for the defaults.</summary>
        public int Version
        {
            get { return Current == null ? 0 : Current.Version; }
        }

        public int Applied { get; private set; }

        public int Rejected { get; private set; }

        /// <summary>The same version delivered again (nothing done), since start.</summary>
        public int Duplicates { get; private set; }

        /// <summary>Why the last configuration was refused, or null.</summary>
        public string LastRejection { get; private set; }

        /// <summary>Applies the configuration kept by the last run; false (defaults kept, reason in <see cref="LastRejection"/>) if it is unusable.</summary>
        public bool Load(long nowMilliseconds)
        {
            byte[] data;
            if (!_storage.TryRead(BlobName, out data))
            {
                return true;
            }

            CommandDecodeResult decoded = CommandCodec.Decode(data, data.Length);
            string problem = !decoded.IsValid ? decoded.Reason + ": " + decoded.Detail
                : decoded.Command.Config == null ? "not a configuration" : _target.Check(decoded.Command.Config);
            if (problem != null)
            {
                LastRejection = "kept configuration unusable, defaults run: " + problem;
                return false;
            }

            Current = decoded.Command.Config;
            _target.Apply(Current, nowMilliseconds);
            return true;
        }

        /// <summary>A decoded configuration downlink (MQTT thread): applied at the next <see cref="Tick"/>.</summary>
        public void Receive(DeviceConfig config)
        {
            lock (_lock)
            {
                if (_pending.Count >= MaxPending)
                {
                    _pending.RemoveAt(0);
                    Rejected++;
                }

                _pending.Add(config);
            }
        }

        /// <summary>Handles what arrived since the last call, in order (app thread).</summary>
        public void Tick(long nowMilliseconds)
        {
            while (true)
            {
                DeviceConfig next;
                lock (_lock)
                {
                    if (_pending.Count == 0)
                    {
                        return;
                    }

                    next = (DeviceConfig)_pending[0];
                    _pending.RemoveAt(0);
                }

                Handle(next, nowMilliseconds);
            }
        }

        private void Handle(DeviceConfig incoming, long nowMilliseconds)
        {
            int running = Version;
            if (incoming.Version == running)
            {
                Duplicates++;
                return;
            }

            if (incoming.Version < running)
            {
                string stale = "stale: version " + incoming.Version.ToString() + " is older than version ";
                Refuse(incoming.Version, stale + running.ToString() + " running");
                return;
            }

            DeviceConfig merged = incoming.MergedOnto(Current);
            string problem = _target.Check(merged);
            if (problem != null)
            {
                Refuse(incoming.Version, problem);
                return;
            }

            string text = CommandCodec.EncodeConfigToString(merged, 0, null);
            if (text == null || !_storage.TryWrite(BlobName, Utf8.GetBytes(text)))
            {
                Refuse(incoming.Version, "could not keep it on flash; the running configuration is unchanged");
                return;
            }

            _target.Apply(merged, nowMilliseconds);
            Current = merged;
            Applied++;
            _raiser.Raise(EventTypes.ConfigApplied, DeviceEvent.Absent, merged.Version, null);
        }

        private void Refuse(int version, string reason)
        {
            Rejected++;
            LastRejection = reason;
            string info = reason.Length > EventCodec.MaxInfoLength ? reason.Substring(0, EventCodec.MaxInfoLength) : reason;
            _raiser.Raise(EventTypes.ConfigRejected, DeviceEvent.Absent, version, info);
        }
    }
}
