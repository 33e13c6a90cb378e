#nullable disable // nanoFramework has no nullable annotations; this file is also compiled into the host tests (tests/Firmware.Tests).
namespace Eldercare.Firmware.Devices
{
    /// <summary>
    /// What the app may keep on the I: drive. On a 4 MB ESP32 it is a 256 KB LittleFS partition shared with the network
    /// configuration and the certificates (../shared/NANOFRAMEWORK.md). LittleFS stores a file in whole 4 KB blocks
    /// unless it is small enough to be inlined in its directory's metadata; the budget assumes the worst case (every file
    /// takes at least one block), so it holds whatever the inline limit of the firmware build is.
    /// The device's outbox capacity is chosen to fit (<see cref="OutboxCapacity"/>); FlashStorage refuses a write that
    /// would go past <see cref="AppBytes"/> (the outbox counts the refusal, as for a full flash).
    /// </summary>
    public static class StorageBudget
    {
        public const int PartitionBytes = 256 * 1024;

        public const int BlockBytes = 4096;

        /// <summary>Kept free for nanoFramework's own files: Wi-Fi and network configuration, a CA certificate, LittleFS's metadata pairs and spare blocks.</summary>
        public const int ReservedBytes = 96 * 1024;

        /// <summary>What the app's files may take, counted in whole blocks.</summary>
        public const int AppBytes = PartitionBytes - ReservedBytes;

        /// <summary>Outbox slots on the device (the host twin keeps 256): each event is one file of at most 1024 bytes.</summary>
        public const int OutboxCapacity = 24;

        /// <summary>Telemetry slots within <see cref="OutboxCapacity"/>; alarms and service events get the rest.</summary>
        public const int OutboxTelemetryQuota = 12;

        /// <summary>Bytes a file of this size takes, worst case: whole blocks, at least one.</summary>
        public static int FootprintBytes(int fileBytes)
        {
            int blocks = (fileBytes + BlockBytes - 1) / BlockBytes;
            return (blocks < 1 ? 1 : blocks) * BlockBytes;
        }

        /// <summary>Whether writing <paramref name="newFileBytes"/> in place of <paramref name="oldFileBytes"/> (0 for a new file) keeps the app within budget.</summary>
        public static bool Fits(int usedBytes, int oldFileBytes, int newFileBytes)
        {
            int old = oldFileBytes > 0 ? FootprintBytes(oldFileBytes) : 0;
            return usedBytes - old + FootprintBytes(newFileBytes) <= AppBytes;
        }
    }
}
