// COMPILE-ONLY declarations for the firmware compile test (tests/Firmware.Tests/NanoCompile): never shipped, never run,
// referenced by no runnable project; on the device the real package in packages.config provides these types.
// Only the members the device projects use (and their overload siblings) are declared, each signature copied from
// https://github.com/nanoframework/System.Net/blob/v1.11.54/nanoFramework.System.Net/ (file:line); packages.config
// carries 1.11.60 because M2Mqtt 5.1.220 asks for it (same members).
namespace System.Security.Cryptography.X509Certificates
{
    public class X509Certificate // X509Certificates/X509Certificate.cs
    {
        public X509Certificate() { } // X509Certificate.cs:51

        public X509Certificate(byte[] certificate) { } // X509Certificate.cs:62

        public X509Certificate(string certificate) { } // X509Certificate.cs:82
    }
}

namespace System.Net.NetworkInformation
{
    public class NetworkInterface // NetworkInformation/NetworkInterface.cs:19
    {
        public static bool GetIsNetworkAvailable() => throw null; // NetworkInterface.cs:66 (native: an interface is up with an address)
    }
}

namespace nanoFramework.Networking
{
    public enum NetworkHelperStatus // NetworkHelper/NetworkHelperStatus.cs:8
    {
        None,
        Started,
        NetworkIsReady,
        FailedNoNetworkInterface,
        TokenExpiredWaitingIPAddress,
        TokenExpiredWaitingDateTime,
        ErrorConnetingToWiFiWhileScanning,
        ExceptionOccurred,
        Reconnecting,
    }
}
