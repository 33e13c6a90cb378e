using System;
using System.Device.I2c;
using System.Diagnostics;
using System.Threading;
using Eldercare.Firmware.Core.Apps;
using Eldercare.Firmware.Core.Hil;
using Iot.Device.Imu;
using nanoFramework.Hardware.Esp32;

namespace Eldercare.Firmware.Devices.Adapters
{
    /// <summary>
    /// What the battery wearables (pendant, watch) open and run the same way: the MPU-6050 on I2C1 and the app loop that light-sleeps between accelerometer batches. Each device's Program only wires its own parts.
    /// </summary>
    public static class WearableBoard
    {
        /// <summary>The MPU-6050, or null when it does not answer: the device then runs without fall detection, SOS still works.</summary>
        public static Mpu6050Accelerometer OpenAccelerometer()
        {
            try
            {
                I2cDevice device = I2cDevice.Create(new I2cConnectionSettings(1, Mpu6050.DefaultI2cAddress, I2cBusSpeed.FastMode));
                return new Mpu6050Accelerometer(new Mpu6050(device), device);
            }
            catch (Exception)
            {
                Debug.WriteLine("MPU-6050 not found on I2C1: no fall detection");
                return null;
            }
        }

        /// <summary>
        /// Starts the link supervisor's thread and runs the app forever: HIL bytes first, one app tick, then light sleep
        /// until the next accelerometer batch when the gate allows it (radio off, button up, indicator idle, no HIL
        /// traffic), else 10 ms. The caller arms the SOS pin's wake-up first (its pin is the device's own wiring).
        /// </summary>
        public static void RunForever(
            WearableApp app,
            LinkSupervisor supervisor,
            UptimeClock clock,
            HilButton button,
            GpioIndicator indicator,
            SerialHilLink hil)
        {
            new Thread(new ThreadStart(supervisor.Run)).Start();
            while (true)
            {
                if (hil != null)
                {
                    hil.Poll();
                }

                app.Tick();
                long now = clock.UptimeMilliseconds;
                long nap = LightSleepGate.Milliseconds(now, app.MillisecondsUntilNextRead(now), supervisor.RadioOff, button.IsPressed, indicator.IsIdle, hil != null && hil.BytesReceived > 0);
                if (nap == 0 || !LightSleep(nap))
                {
                    Thread.Sleep(10);
                }
            }
        }

        /// <summary>
        /// Light sleep (RAM and the CLR kept) until the next accelerometer batch, or the SOS pin (armed above) wakes it
        /// sooner. False when the chip refused (Wi-Fi not stopped yet): the loop then ticks on.
        /// </summary>
        private static bool LightSleep(long milliseconds)
        {
            Sleep.EnableWakeupByTimer(TimeSpan.FromTicks(milliseconds * TimeSpan.TicksPerMillisecond));
            return Sleep.StartLightSleep() == EspNativeError.OK;
        }
    }
}
