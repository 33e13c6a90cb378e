using Eldercare.Firmware.Core.Events;
using Eldercare.Firmware.Core.Gnss;
using Eldercare.Firmware.Core.Hardware;

namespace Eldercare.Firmware.Core.Geofence
{
    /// <summary>
    /// Wires the GNSS receiver to the geofence: drains the UART into the <see cref="NmeaParser"/>, hands each fix to
    /// the <see cref="GeofenceMonitor"/> and turns its transitions into events (<c>geofence</c> alarm,
    /// <c>geofence_return</c>, <c>no_position</c>). Called from the app loop; no thread of its own.
    /// </summary>
    public sealed class GeofenceWatcher
    {
        /// <summary>
        /// Reads per poll are bounded so a module at 115200 baud (11.5 KB/s) cannot starve the SOS button: at a
        /// 20 ms tick that is ~230 bytes, well under 4 x 128.
        /// </summary>
        private const int MaxReadsPerPoll = 4;

        private readonly IGnssReceiver _receiver;
        private readonly IPositionEventRaiser _raiser;
        private readonly NmeaParser _parser = new NmeaParser();
        private readonly GeofenceMonitor _monitor;
        private readonly byte[] _buffer = new byte[128];

        public GeofenceWatcher(GeofenceOptions options, IGnssReceiver receiver, IPositionEventRaiser raiser)
        {
            _receiver = receiver;
            _raiser = raiser;
            _monitor = new GeofenceMonitor(options);
        }

        public NmeaParser Parser
        {
            get { return _parser; }
        }

        public GeofenceMonitor Monitor
        {
            get { return _monitor; }
        }

        /// <summary>Events raised since start (alarms, returns and no-position statuses).</summary>
        public int RaisedCount { get; private set; }

        public void Poll(long nowMilliseconds)
        {
            for (int round = 0; round < MaxReadsPerPoll; round++)
            {
                int count = _receiver.Read(_buffer, 0, _buffer.Length);
                if (count <= 0)
                {
                    break;
                }

                for (int i = 0; i < count && i < _buffer.Length; i++)
                {
                    if (_parser.Feed(_buffer[i], nowMilliseconds))
                    {
                        Report(_monitor.Update(_parser.Fix, nowMilliseconds), nowMilliseconds);
                    }
                }
            }

            Report(_monitor.Tick(nowMilliseconds), nowMilliseconds);
        }

        private void Report(int transition, long nowMilliseconds)
        {
            if (transition == GeofenceTransition.None)
            {
                return;
            }

            GnssFix fix = _monitor.LastGoodFix;
            string zone = _monitor.NearestZoneName == null ? "?" : _monitor.NearestZoneName;
            string type;
            string info;
            if (transition == GeofenceTransition.Exit)
            {
                type = EventTypes.Geofence;
                info = "zone=" + zone + ";out=" + ((int)_monitor.LastDistanceMetres).ToString() + "m";
            }
            else if (transition == GeofenceTransition.Return)
            {
                type = EventTypes.GeofenceReturn;
                info = "zone=" + zone + ";in=" + ((int)(-_monitor.LastDistanceMetres)).ToString() + "m";
            }
            else
            {
                type = EventTypes.NoPosition;
                info = fix == null ? "no good fix since start" : "last good fix " + ((nowMilliseconds - fix.UptimeMilliseconds) / 1000).ToString() + " s ago;" + GeofenceState.NameOf(_monitor.State);
            }

            if (_raiser.RaiseWithPosition(type, fix, info) != 0)
            {
                RaisedCount++;
            }
        }
    }
}
