namespace Eldercare.Firmware.Core.Commands
{
    /// <summary>A device app's side of a configuration downlink (<see cref="ConfigurationKeeper"/>).</summary>
    public interface IConfigurable
    {
        /// <summary>Null when the app can run with <paramref name="effective"/>; else the first problem in words (sent
        /// to the platform in <c>config_rejected</c>). Must not change anything.</summary>
        string Check(DeviceConfig effective);

        /// <summary>Runs with <paramref name="effective"/> from now on, without a reboot. Called only after <see cref="Check"/> passed.</summary>
        void Apply(DeviceConfig effective, long nowMilliseconds);
    }
}
