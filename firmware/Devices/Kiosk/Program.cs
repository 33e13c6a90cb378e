using System;
using System.Device.Gpio;
using System.Device.Spi;
using System.Diagnostics;
using System.Threading;
using Eldercare.Firmware.Core.Hardware;
using Eldercare.Firmware.Core.Kiosk;
using Eldercare.Firmware.Devices.Adapters;
using Iot.Device.Mfrc522;

namespace Eldercare.Firmware.Devices.Kiosk
{
    /// <summary>
    /// The community kiosk (社区便民服务一体机): card check-in on an RC522, six service buttons and an SOS button, requests
    /// shown until a person accepts them. Main only wires.
    /// </summary>
    public static class Program
    {
        public static void Main()
        {
            KioskPins.ConfigureBuses();
            GpioController gpio = new GpioController();
            GpioIndicator buzzer = new GpioIndicator(gpio.OpenPin(KioskPins.StatusLed, PinMode.Output), gpio.OpenPin(KioskPins.Buzzer, PinMode.Output));
            DeviceSettings settings = DeviceBoot.LoadSettings(buzzer);
            if (settings == null)
            {
                DeviceBoot.WaitForever();
            }

            IButton[] services = new IButton[]
            {
                new GpioButton(gpio.OpenPin(KioskPins.MealButton, PinMode.InputPullUp)),
                new GpioButton(gpio.OpenPin(KioskPins.CleanButton, PinMode.InputPullUp)),
                new GpioButton(gpio.OpenPin(KioskPins.BathButton, PinMode.InputPullUp)),
                new GpioButton(gpio.OpenPin(KioskPins.MedicalButton, PinMode.InputPullUp)),
                new GpioButton(gpio.OpenPin(KioskPins.TravelButton, PinMode.InputPullUp)),
                new GpioButton(gpio.OpenPin(KioskPins.ShopButton, PinMode.InputPullUp)),
            };
            M2MqttLink link = new M2MqttLink();
            KioskHardware hardware = new KioskHardware(
                new UptimeClock(),
                new FlashStorage(FlashStorage.AppFolder),
                link,
                new GpioButton(gpio.OpenPin(KioskPins.SosButton, PinMode.InputPullUp)),
                services,
                new Mfrc522CardReader(OpenCardReader(gpio)),
                new DebugKioskDisplay(),
                buzzer);

            KioskOptions options = new KioskOptions(settings.DeviceId);
            options.Outbox.Capacity = StorageBudget.OutboxCapacity;
            options.Outbox.TelemetryQuota = StorageBudget.OutboxTelemetryQuota;
            KioskApp app = new KioskApp(options, hardware);
            app.Start();

            LinkSupervisor supervisor = new LinkSupervisor(settings, link, DeviceBoot.LoadCaCertificate(settings), new Random(), false);
            new Thread(new ThreadStart(supervisor.Run)).Start();
            while (true)
            {
                app.Tick();
                Thread.Sleep(10);
            }
        }

        /// <summary>The RC522, or null when it does not answer: the kiosk then runs without check-in, its buttons still work.</summary>
        private static MfRc522 OpenCardReader(GpioController gpio)
        {
            try
            {
                SpiConnectionSettings spi = new SpiConnectionSettings(1, KioskPins.CardReaderChipSelect);
                spi.ClockFrequency = KioskPins.CardReaderClockHertz;
                spi.Mode = SpiMode.Mode0;
                return new MfRc522(SpiDevice.Create(spi), KioskPins.CardReaderReset, gpio, false);
            }
            catch (Exception)
            {
                Debug.WriteLine("RC522 not found on SPI1: no card check-in");
                return null;
            }
        }
    }
}
