using System.Text;

namespace Eldercare.Firmware.Core.Events
{
    /// <summary>
    /// UTF-8 checks done by hand: nanoFramework's decoder replaces bad bytes silently,
    /// and the wire format must reject them (RFC 3629: no overlongs, no surrogates, max U+10FFFF).
    /// </summary>
    public static class Utf8
    {
        public static bool IsValid(byte[] data, int length)
        {
            int i = 0;
            while (i < length)
            {
                int b = data[i];
                if (b < 0x80)
                {
                    i++;
                    continue;
                }

                int need;
                int min;
                int code;
                if ((b & 0xE0) == 0xC0)
                {
                    need = 1;
                    min = 0x80;
                    code = b & 0x1F;
                }
                else if ((b & 0xF0) == 0xE0)
                {
                    need = 2;
                    min = 0x800;
                    code = b & 0x0F;
                }
                else if ((b & 0xF8) == 0xF0)
                {
                    need = 3;
                    min = 0x10000;
                    code = b & 0x07;
                }
                else
                {
                    return false;
                }

                if (i + need >= length)
                {
                    return false;
                }

                for (int k = 1; k <= need; k++)
                {
                    int next = data[i + k];
                    if ((next & 0xC0) != 0x80)
                    {
                        return false;
                    }

                    code = (code << 6) | (next & 0x3F);
                }

                if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
                {
                    return false;
                }

                i += need + 1;
            }

            return true;
        }

        public static string GetString(byte[] data, int length)
        {
            return Encoding.UTF8.GetString(data, 0, length);
        }

        public static byte[] GetBytes(string text)
        {
            return Encoding.UTF8.GetBytes(text);
        }
    }
}
