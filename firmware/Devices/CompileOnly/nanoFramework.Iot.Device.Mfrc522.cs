// COMPILE-ONLY declarations for the firmware compile test (tests/Firmware.Tests/NanoCompile): never shipped, never run,
// referenced by no runnable project; on the device the real package in packages.config provides these types.
// Only the members the device projects use (and their overload siblings) are declared, each signature copied from
// https://github.com/nanoframework/nanoFramework.IoT.Device/blob/12c74450f9d47b80cd8bbf44f7092da490e5de31/devices/Mfrc522/Mfrc522.cs
// (line; package 1.2.943). SPI mode 0, up to 10 MHz; ISO 14443 type A cards only.
namespace Iot.Device.Mfrc522
{
    using System;
    using System.Device.Gpio;
    using System.Device.Spi;
    using Iot.Device.Rfid;

    public class MfRc522 : IDisposable // Mfrc522.cs:27 (base CardTransceiver, from Iot.Device.Card)
    {
        public MfRc522(SpiDevice spiDevice, int pinReset = -1, GpioController gpioController = null, bool shouldDispose = true) { } // Mfrc522.cs:58

        public bool ListenToCardIso14443TypeA(out Data106kbpsTypeA card, TimeSpan timeout) => throw null; // Mfrc522.cs:251

        public void Dispose() => throw null; // Mfrc522.cs:836
    }
}
