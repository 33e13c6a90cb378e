// COMPILE-ONLY declarations of nanoFramework.System.Text 1.3.42, for the firmware compile test
// (tests/Firmware.Tests/NanoCompile). Never shipped, never run, referenced by no runnable project. Signatures copied from
// https://github.com/nanoframework/System.Text/blob/v1.3.42/nanoFramework.System.Text/Text/StringBuilder.cs,
// .../Text/Encoding.cs and .../Text/UTF8Encoding.cs (line numbers there). The full Append overload set is declared so
// that overload resolution picks what the device picks.
namespace System.Text
{
    public sealed class StringBuilder
    {
        public StringBuilder(string value, int startIndex, int length, int capacity) { } // StringBuilder.cs:235

        public StringBuilder(string value, int capacity) { } // StringBuilder.cs:284

        public StringBuilder(int capacity, int maxCapacity) { } // StringBuilder.cs:297

        public StringBuilder(int capacity) { } // StringBuilder.cs:321

        public StringBuilder(string value) { } // StringBuilder.cs:328

        public StringBuilder() { } // StringBuilder.cs:334

        public int MaxCapacity => throw null; // StringBuilder.cs:44

        public char this[int index] { get => throw null; set => throw null; } // StringBuilder.cs:53

        public int Capacity { get => throw null; set => throw null; } // StringBuilder.cs:130

        public int Length { get => throw null; set => throw null; } // StringBuilder.cs:160

        public StringBuilder Append(bool value) => throw null; // StringBuilder.cs:370

        public StringBuilder Append(byte value) => throw null; // StringBuilder.cs:377

        public StringBuilder Append(char value) => throw null; // StringBuilder.cs:384

        public StringBuilder Append(double value) => throw null; // StringBuilder.cs:403

        public StringBuilder Append(short value) => throw null; // StringBuilder.cs:410

        public StringBuilder Append(char[] value) => throw null; // StringBuilder.cs:420

        public StringBuilder Append(int value) => throw null; // StringBuilder.cs:435

        public StringBuilder Append(long value) => throw null; // StringBuilder.cs:442

        public StringBuilder Append(object value) => throw null; // StringBuilder.cs:449

        public StringBuilder Append(string value) => throw null; // StringBuilder.cs:456

        public StringBuilder Append(sbyte value) => throw null; // StringBuilder.cs:492

        public StringBuilder Append(float value) => throw null; // StringBuilder.cs:500

        public StringBuilder Append(ushort value) => throw null; // StringBuilder.cs:508

        public StringBuilder Append(uint value) => throw null; // StringBuilder.cs:517

        public StringBuilder Append(ulong value) => throw null; // StringBuilder.cs:526

        public StringBuilder Append(string value, int startIndex, int count) => throw null; // StringBuilder.cs:536

        public StringBuilder Append(char[] value, int startIndex, int charCount) => throw null; // StringBuilder.cs:566

        public StringBuilder Append(char value, int repeatCount) => throw null; // StringBuilder.cs:598

        public StringBuilder Remove(int startIndex, int length) => throw null; // StringBuilder.cs:643

        public StringBuilder Insert(int index, string value, int count) => throw null; // StringBuilder.cs:682

        public StringBuilder Replace(char oldChar, char newChar) => throw null; // StringBuilder.cs:837

        public StringBuilder Replace(string oldValue, string newValue) => throw null; // StringBuilder.cs:928

        public StringBuilder Clear() => throw null; // StringBuilder.cs:944

        public override string ToString() => throw null; // StringBuilder.cs:954

        public string ToString(int startIndex, int length) => throw null; // StringBuilder.cs:988

        public StringBuilder AppendLine(string str) => throw null; // StringBuilder.cs:1063

        public StringBuilder AppendLine() => throw null; // StringBuilder.cs:1073
    }

    public abstract class Encoding // Encoding.cs:75
    {
        public static Encoding UTF8 => throw null; // Encoding.cs:147

        public virtual byte[] GetBytes(string s) => throw null; // Encoding.cs:82

        public virtual int GetBytes(string s, int charIndex, int charCount, byte[] bytes, int byteIndex) => throw null; // Encoding.cs:97

        public virtual char[] GetChars(byte[] bytes) => throw null; // Encoding.cs:108

        public virtual char[] GetChars(byte[] bytes, int byteIndex, int byteCount) => throw null; // Encoding.cs:121

        // Encoding.cs:133. There is no GetString(byte[]) on nanoFramework: always pass index and count.
        public virtual string GetString(byte[] bytes, int index, int count) => throw null;
    }

    public class UTF8Encoding : Encoding // UTF8Encoding.cs:38
    {
        public UTF8Encoding() { } // UTF8Encoding.cs:55
    }
}
