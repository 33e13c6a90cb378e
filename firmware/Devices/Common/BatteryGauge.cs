#nullable disable // nanoFramework has no nullable annotations; this file is also compiled into the host tests (tests/Firmware.Tests).
namespace Eldercare.Firmware.Devices
{
    /// <summary>
    /// A Li-Po cell's level from its voltage, read on an ADC1 channel through a 100 k / 100 k divider (ADC2 does not
    /// work while Wi-Fi is on). Open-circuit voltage curve of a 1-cell Li-Po at rest, in 10 % steps; under load it
    /// reads low by tens of mV, which the battery watcher's two-reads rule and 5 % hysteresis absorb. Pure, tested.
    /// </summary>
    public static class BatteryGauge
    {
        /// <summary>Cell millivolts at 0 %, 10 %, ... 100 %.</summary>
        private static readonly int[] CurveMillivolts = new int[] { 3300, 3600, 3690, 3740, 3770, 3790, 3820, 3870, 3920, 4000, 4150 };

        /// <summary>Cell millivolts from a raw ADC reading (0..maxRaw over 0..fullScaleMillivolts at the pin) and the divider ratio (2 for 100 k / 100 k).</summary>
        public static int CellMillivolts(int raw, int maxRaw, int fullScaleMillivolts, int dividerRatio)
        {
            if (maxRaw <= 0 || raw <= 0)
            {
                return 0;
            }

            return (int)((long)raw * fullScaleMillivolts * dividerRatio / maxRaw);
        }

        public static int Percent(int cellMillivolts)
        {
            if (cellMillivolts <= CurveMillivolts[0])
            {
                return 0;
            }

            for (int i = 1; i < CurveMillivolts.Length; i++)
            {
                if (cellMillivolts < CurveMillivolts[i])
                {
                    int low = CurveMillivolts[i - 1];
                    return ((i - 1) * 10) + ((cellMillivolts - low) * 10 / (CurveMillivolts[i] - low));
                }
            }

            return 100;
        }
    }
}
