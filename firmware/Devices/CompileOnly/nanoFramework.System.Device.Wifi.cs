// COMPILE-ONLY declarations for the firmware compile test (tests/Firmware.Tests/NanoCompile): never shipped, never run,
// referenced by no runnable project; on the device the real package in packages.config provides these types.
// Only the members the device projects use (and their overload siblings) are declared, each signature copied from
// https://github.com/nanoframework/System.Device.Wifi/blob/v1.5.147/System.Device.Wifi/ (file:line).
namespace System.Device.Wifi
{
    public enum WifiReconnectionKind // WifiReconnectionKind.cs
    {
        Automatic,
        Manual,
    }
}

namespace nanoFramework.Networking
{
    using System;
    using System.Device.Wifi;
    using System.Threading;

    public static class WifiNetworkHelper // NetworkHelper/WifiNetworkHelper.cs:17
    {
        public static ManualResetEvent NetworkReady => throw null; // WifiNetworkHelper.cs:51

        public static NetworkHelperStatus Status => throw null; // WifiNetworkHelper.cs:56

        public static Exception HelperException => throw null; // WifiNetworkHelper.cs:61

        // WifiNetworkHelper.cs:155. Without a token that times out it waits forever; requiresDateTime waits for SNTP.
        public static bool ConnectDhcp(
            string ssid,
            string password,
            WifiReconnectionKind reconnectionKind = WifiReconnectionKind.Automatic,
            bool requiresDateTime = false,
            int wifiAdapterId = 0,
            CancellationToken token = default) => throw null;

        public static void Disconnect() => throw null; // WifiNetworkHelper.cs:131
    }
}
