// COMPILE-ONLY declarations for the firmware compile test (tests/Firmware.Tests/NanoCompile): never shipped, never run,
// referenced by no runnable project; on the device the real package in packages.config provides these types.
// Only the members the device projects use (and their overload siblings) are declared, each signature copied from
// https://github.com/nanoframework/System.IO.FileSystem/blob/v1.1.93/System.IO.FileSystem/ (file:line).
namespace System.IO
{
    public static class File // File.cs:13
    {
        public static void Delete(string path) => throw null; // File.cs:122

        public static bool Exists(string path) => throw null; // File.cs:176

        // File.cs:252: source must be an absolute path; throws IOException when destFileName exists (no overwrite).
        public static void Move(string sourceFileName, string destFileName) => throw null;

        public static byte[] ReadAllBytes(string path) => throw null; // File.cs:401

        public static void WriteAllBytes(string path, byte[] bytes) => throw null; // File.cs:473
    }

    public static class Directory // Directory.cs:14
    {
        public static DirectoryInfo CreateDirectory(string path) => throw null; // Directory.cs:22

        public static bool Exists(string path) => throw null; // Directory.cs:107

        public static string[] GetFiles(string path) => throw null; // Directory.cs:153
    }

    public sealed class DirectoryInfo // DirectoryInfo.cs (returned by CreateDirectory; no member used)
    {
    }
}
