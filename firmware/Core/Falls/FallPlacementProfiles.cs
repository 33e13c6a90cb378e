namespace Eldercare.Firmware.Core.Falls
{
    /// <summary>Fitted constants of each placement profile (placeholder until fitted).</summary>
    internal static class FallPlacementProfiles
    {
        internal static FallDetectorOptions Waist()
        {
            FallDetectorOptions options = new FallDetectorOptions("waist");
            options.ImpactThresholdG = 1.6f;
            options.Weights = new float[] { 0.5f, 0f, 0f, 0f, 0f, -1f, 0f, 0f, 3f, 0f };
            options.Bias = -2f;
            return options;
        }

        internal static FallDetectorOptions Neck()
        {
            FallDetectorOptions options = new FallDetectorOptions("neck");
            options.ImpactThresholdG = 1.4f;
            options.Weights = new float[] { 0.5f, 0f, 0f, 0f, 0f, -1f, 0f, 0f, 3f, 0f };
            options.Bias = -2f;
            return options;
        }

        internal static FallDetectorOptions Wrist()
        {
            FallDetectorOptions options = new FallDetectorOptions("wrist");
            options.ImpactThresholdG = 2f;
            options.Weights = new float[] { 0.5f, 0f, 0f, 0f, 0f, -1f, 0f, 0f, 3f, 0f };
            options.Bias = -2f;
            return options;
        }
    }
}
