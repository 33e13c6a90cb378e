namespace Eldercare.Firmware.Core.Wellness
{
    /// <summary>What a one-second window changed (integers: nanoFramework's Enum.ToString gives numbers).</summary>
    public static class WellnessTransition
    {
        public const int None = 0;

        /// <summary>No significant movement for the period within waking hours: raise the <c>wellness</c> alarm.</summary>
        public const int Inactive = 1;

        /// <summary>Flat and perfectly still long enough: report <c>not_worn</c> (once per episode).</summary>
        public const int NotWorn = 2;
    }
}
