namespace Eldercare.Firmware.Core.Hardware
{
    /// <summary>What the elder is told through LED / vibration / buzzer.</summary>
    public enum IndicatorPattern
    {
        /// <summary>Nothing to show.</summary>
        Idle = 0,

        /// <summary>An alarm was raised on the device and is being sent; a short press cancels.</summary>
        AlarmRaised = 1,

        /// <summary>The gateway acknowledged the alarm (it is stored): help is on its way.</summary>
        AlarmReceived = 2,

        /// <summary>The elder cancelled the alarm.</summary>
        AlarmCancelled = 3,

        /// <summary>Something needs attention (storage full, not provisioned).</summary>
        Fault = 4,

        /// <summary>A person (the service center, the platform's operator) has seen the alarm: help is coming.</summary>
        HelpComing = 5,

        /// <summary>The alarm is still waiting for a person to see it: a reminder that it is active, not forgotten.</summary>
        StillWaiting = 6,
    }
}
