using System;
using System.Collections;
using System.Device.Adc;
using System.Device.Gpio;
using System.Diagnostics;
using System.IO.Ports;
using Eldercare.Firmware.Core.Apps;
using Eldercare.Firmware.Core.Hil;
using Eldercare.Firmware.Core.Power;
using Eldercare.Firmware.Core.Geofence;
using Eldercare.Firmware.Devices.Adapters;
using nanoFramework.Hardware.Esp32;

namespace Eldercare.Firmware.Devices.Watch
{
    /// <summary>
    /// The watch (wrist): the pendant's functions with the wrist's fall profile, plus the anti-wandering geofence on a
    /// GNSS module (NMEA on COM2, parsed by the core). Main only wires.
    /// </summary>
    public static class Program
    {
        public static void Main()
        {
            WatchPins.ConfigureBuses();
            GpioController gpio = new GpioController();
            GpioIndicator indicator = new GpioIndicator(gpio.OpenPin(WatchPins.Led, PinMode.Output), gpio.OpenPin(WatchPins.Vibration, PinMode.Output));
            DeviceSettings settings = DeviceBoot.LoadSettings(indicator);
            if (settings == null)
            {
                DeviceBoot.WaitForever();
            }

            AdcController adc = new AdcController();
            M2MqttLink link = new M2MqttLink();
            UptimeClock clock = new UptimeClock();

            // Battery device: the core's radio schedule switches the link (radio off between sends, up at once for an alarm).
            LinkSupervisor supervisor = new LinkSupervisor(settings, link, DeviceBoot.LoadCaCertificate(settings), new Random(), true);

            // HIL test mode (the rig's serial link on COM3) wraps the sensors and the button; they pass through until "HIL ON".
            HilButton button = new HilButton(new GpioButton(gpio.OpenPin(WatchPins.SosButton, PinMode.InputPullUp)), clock);
            Mpu6050Accelerometer sensor = WearableBoard.OpenAccelerometer();
            HilAccelerometer accelerometer = new HilAccelerometer(sensor);
            SerialGnss module = OpenGnss();
            HilGnssReceiver gnss = module != null ? new HilGnssReceiver(module) : null;
            WearableHardware hardware = new WearableHardware(
                clock,
                new FlashStorage(FlashStorage.AppFolder),
                link,
                button,
                indicator,
                new AdcBattery(adc, adc.OpenChannel(WatchPins.BatteryAdcChannel), gpio.OpenPin(WatchPins.ChargerStatus, PinMode.Input)));
            hardware.Accelerometer = sensor != null ? accelerometer : null;
            hardware.Gnss = gnss;
            hardware.GnssPower = gnss != null ? new GpioGnssPower(gpio.OpenPin(WatchPins.GnssPower, PinMode.Output)) : null;
            hardware.RadioPower = supervisor;
            bool batches = sensor != null && sensor.FifoReady;
            hardware.AccelerometerFifo = batches ? accelerometer : null;
            SerialHilLink hil = OpenHil(new HilSession(accelerometer, gnss, button, clock));

            WearableOptions options = new WearableOptions(settings.DeviceId);
            options.Placement = settings.Placement != null ? settings.Placement : "wrist";
            options.Outbox.Capacity = StorageBudget.OutboxCapacity;
            options.Outbox.TelemetryQuota = StorageBudget.OutboxTelemetryQuota;
            options.Geofence = GeofenceFrom(settings);
            options.HeartbeatIntervalSeconds = RadioScheduleOptions.DefaultHeartbeatSeconds;
            options.RadioSchedule = new RadioScheduleOptions();

            // The GNSS module is powered for a fix window every 300 s (every 30 s near a zone's edge), off in between.
            options.GnssDutyCycle = new GnssDutyCycleOptions();

            // The MPU-6050 fills its FIFO while the chip light-sleeps; one batch a second (every tick after an impact).
            options.AccelerometerBatchMilliseconds = batches ? AccelerometerBatching.DeviceBatchMilliseconds : 0;
            WearableApp app = new WearableApp(options, hardware);
            app.Start();

            // Armed for when the device sleeps: SOS (active low) wakes it from light or deep sleep. GPIO 27 is an RTC pin.
            Sleep.EnableWakeupByPin(Sleep.WakeupGpioPin.Pin27, 0);
            WearableBoard.RunForever(app, supervisor, clock, button, indicator, hil);
        }

        /// <summary>The HIL UART, or null when COM3 cannot be opened (the device runs without the test mode).</summary>
        private static SerialHilLink OpenHil(HilSession session)
        {
            try
            {
                return new SerialHilLink(new SerialPort(WatchPins.HilPort, WatchPins.HilBaud), session);
            }
            catch (Exception)
            {
                Debug.WriteLine("COM3 not available: no HIL test mode");
                return null;
            }
        }

        /// <summary>The GNSS module's UART, or null when COM2 cannot be opened (no geofence, everything else runs).</summary>
        private static SerialGnss OpenGnss()
        {
            try
            {
                return new SerialGnss(new SerialPort(WatchPins.GnssPort, WatchPins.GnssBaud));
            }
            catch (Exception)
            {
                Debug.WriteLine("COM2 not available: no geofence");
                return null;
            }
        }

        /// <summary>The provisioned zones, or no geofence (null) when there are none or they do not parse.</summary>
        private static GeofenceOptions GeofenceFrom(DeviceSettings settings)
        {
            if (settings.Zones == null)
            {
                return null;
            }

            ArrayList zones = new ArrayList();
            string problem = ZoneText.Parse(settings.Zones, zones);
            if (problem != null)
            {
                Debug.WriteLine("geofence off: " + problem);
                return null;
            }

            GeofenceOptions geofence = new GeofenceOptions();
            geofence.ReplaceZones(zones);
            return geofence;
        }
    }
}
