namespace Eldercare.Firmware.Core.Events
{
    /// <summary>
    /// The 六助 services a kiosk requests (<c>svc</c> of a <see cref="EventTypes.ServiceRequest"/>); the seventh, 助急
    /// (emergency help), is the SOS button and travels as an alarm.
    /// </summary>
    public static class ServiceCodes
    {
        /// <summary>助餐: meals.</summary>
        public const string Meal = "meal";

        /// <summary>助洁: cleaning.</summary>
        public const string Cleaning = "clean";

        /// <summary>助浴: bathing.</summary>
        public const string Bathing = "bath";

        /// <summary>助医: medical care.</summary>
        public const string Medical = "medical";

        /// <summary>助行: travel, getting about.</summary>
        public const string Travel = "travel";

        /// <summary>助购: shopping.</summary>
        public const string Shopping = "shop";

        /// <summary>For messages: every code, in the kiosk's button order.</summary>
        public const string All = "meal, clean, bath, medical, travel, shop";

        /// <summary>The kiosk's service buttons, in order.</summary>
        public static string ByButton(int index)
        {
            switch (index)
            {
                case 0: return Meal;
                case 1: return Cleaning;
                case 2: return Bathing;
                case 3: return Medical;
                case 4: return Travel;
                case 5: return Shopping;
                default: return null;
            }
        }

        public const int Count = 6;

        public static bool IsKnown(string code)
        {
            return code == Meal || code == Cleaning || code == Bathing || code == Medical || code == Travel || code == Shopping;
        }
    }
}
