namespace Eldercare.Firmware.Core.Wellness
{
    /// <summary>What the inactivity monitor is doing (integers: nanoFramework's Enum.ToString gives numbers).</summary>
    public static class WellnessState
    {
        /// <summary>Worn: counting waking-hours time since the last significant movement.</summary>
        public const int Watching = 0;

        /// <summary>The <c>wellness</c> alarm was raised; the next movement re-arms, silently.</summary>
        public const int Alarmed = 1;

        /// <summary>Flat and perfectly still: <c>not_worn</c> was reported; nothing counts until a movement.</summary>
        public const int NotWorn = 2;

        /// <summary>On the charger: off the body, nothing counts; a fresh period starts when it comes off.</summary>
        public const int Charging = 3;

        public static string NameOf(int state)
        {
            return state == Alarmed ? "alarmed" : state == NotWorn ? "not_worn" : state == Charging ? "charging" : "watching";
        }
    }
}
