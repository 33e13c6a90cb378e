using System;
using System.Device.Adc;
using System.Device.Gpio;
using System.Diagnostics;
using System.IO.Ports;
using Eldercare.Firmware.Core.Apps;
using Eldercare.Firmware.Core.Hil;
using Eldercare.Firmware.Core.Power;
using Eldercare.Firmware.Devices.Adapters;
using nanoFramework.Hardware.Esp32;

namespace Eldercare.Firmware.Devices.Pendant
{
    /// <summary>
    /// The pendant (neck): SOS button, fall detection on the MPU6050, wellness check, battery, alarms acknowledged over
    /// MQTT. Main only wires: pins, buses, adapters, the core's WearableApp, the link thread, then the app loop.
    /// </summary>
    public static class Program
    {
        public static void Main()
        {
            PendantPins.ConfigureBuses();
            GpioController gpio = new GpioController();
            GpioIndicator indicator = new GpioIndicator(gpio.OpenPin(PendantPins.Led, PinMode.Output), gpio.OpenPin(PendantPins.Vibration, PinMode.Output));
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

            // HIL test mode (the rig's serial link on COM3) wraps the sensor and the button; they pass through until "HIL ON".
            HilButton button = new HilButton(new GpioButton(gpio.OpenPin(PendantPins.SosButton, PinMode.InputPullUp)), clock);
            Mpu6050Accelerometer sensor = WearableBoard.OpenAccelerometer();
            HilAccelerometer accelerometer = new HilAccelerometer(sensor);
            WearableHardware hardware = new WearableHardware(
                clock,
                new FlashStorage(FlashStorage.AppFolder),
                link,
                button,
                indicator,
                new AdcBattery(adc, adc.OpenChannel(PendantPins.BatteryAdcChannel), gpio.OpenPin(PendantPins.ChargerStatus, PinMode.Input)));
            hardware.Accelerometer = sensor != null ? accelerometer : null;
            hardware.RadioPower = supervisor;
            bool batches = sensor != null && sensor.FifoReady;
            hardware.AccelerometerFifo = batches ? accelerometer : null;
            SerialHilLink hil = OpenHil(new HilSession(accelerometer, null, button, clock));

            WearableOptions options = new WearableOptions(settings.DeviceId);
            options.Placement = settings.Placement != null ? settings.Placement : "neck";
            options.Outbox.Capacity = StorageBudget.OutboxCapacity;
            options.Outbox.TelemetryQuota = StorageBudget.OutboxTelemetryQuota;
            options.HeartbeatIntervalSeconds = RadioScheduleOptions.DefaultHeartbeatSeconds;
            options.RadioSchedule = new RadioScheduleOptions();

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
                return new SerialHilLink(new SerialPort(PendantPins.HilPort, PendantPins.HilBaud), session);
            }
            catch (Exception)
            {
                Debug.WriteLine("COM3 not available: no HIL test mode");
                return null;
            }
        }
    }
}
