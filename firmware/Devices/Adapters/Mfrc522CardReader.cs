using System;
using Eldercare.Firmware.Core.Hardware;
using Iot.Device.Mfrc522;
using Iot.Device.Rfid;

namespace Eldercare.Firmware.Devices.Adapters
{
    /// <summary>
    /// An RC522 on SPI as the core's card reader: ISO 14443 type A (Mifare, most community and social-security cards;
    /// the resident ID card is type B and is not read). Each poll listens briefly so the kiosk's loop stays responsive.
    /// Without a reader (null: it did not answer at start) every poll says "no card".
    /// </summary>
    public sealed class Mfrc522CardReader : ICardReader
    {
        private static readonly TimeSpan ListenTime = TimeSpan.FromMilliseconds(20);
        private readonly MfRc522 _reader;

        public Mfrc522CardReader(MfRc522 reader)
        {
            _reader = reader;
        }

        public int ReadUid(byte[] buffer)
        {
            if (_reader == null)
            {
                return 0;
            }

            Data106kbpsTypeA card;
            try
            {
                if (!_reader.ListenToCardIso14443TypeA(out card, ListenTime))
                {
                    return 0;
                }
            }
            catch (Exception)
            {
                return -1;
            }

            byte[] uid = card.NfcId;
            if (uid == null || uid.Length > buffer.Length)
            {
                return -1;
            }

            Array.Copy(uid, buffer, uid.Length);
            return uid.Length;
        }
    }
}
