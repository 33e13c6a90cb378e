// COMPILE-ONLY declarations for the firmware compile test (tests/Firmware.Tests/NanoCompile): never shipped, never run,
// referenced by no runnable project; on the device the real package in packages.config provides these types.
// Only the members the device projects use (and their overload siblings) are declared, each signature copied from
// https://github.com/nanoframework/System.Threading/blob/v1.1.52/nanoFramework.System.Threading/Threading/ (file:line).
namespace System.Threading
{
    public class CancellationTokenSource : IDisposable // CancellationTokenSource.cs:26
    {
        public CancellationTokenSource() { } // CancellationTokenSource.cs:223

        public CancellationTokenSource(int millisecondsDelay) { } // CancellationTokenSource.cs:180

        public CancellationTokenSource(TimeSpan delay) { } // CancellationTokenSource.cs:209

        public bool IsCancellationRequested => throw null; // CancellationTokenSource.cs:75

        public CancellationToken Token => throw null; // CancellationTokenSource.cs:113

        public void Cancel() => throw null; // CancellationTokenSource.cs:268

        public void Dispose() => throw null; // CancellationTokenSource.cs:441
    }

    public struct CancellationToken // CancellationToken.cs:26
    {
        public static CancellationToken None => throw null; // CancellationToken.cs:39

        public bool IsCancellationRequested => throw null; // CancellationToken.cs:64
    }
}
