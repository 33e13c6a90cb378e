namespace Eldercare.Firmware.Core.Falls
{
    /// <summary>Fitted constants of each placement profile (first fit; see README.md).</summary>
    internal static class FallPlacementProfiles
    {
        internal static FallDetectorOptions Waist()
        {
            FallDetectorOptions options = new FallDetectorOptions("waist");
            options.ImpactThresholdG = 1.6f;
            options.Weights = new float[] { 0.27561855f, -1.012626f, -9.341838f, 2.7633185f, -2.5501204f, -0.15269603f, -0.40336952f, -0.22776274f, 7.8840427f, 18.931616f };
            options.Bias = -10.053922f;
            return options;
        }

        internal static FallDetectorOptions Neck()
        {
            FallDetectorOptions options = new FallDetectorOptions("neck");
            options.ImpactThresholdG = 1.4f;
            options.Weights = new float[] { 1.1472746f, -4.201923f, 0.5559245f, -2.5280325f, -6.006f, -0.9173937f, -0.30370077f, -4.8652124f, 4.6011186f, 7.5101094f };
            options.Bias = -4.207232f;
            return options;
        }

        internal static FallDetectorOptions Wrist()
        {
            FallDetectorOptions options = new FallDetectorOptions("wrist");
            options.ImpactThresholdG = 2f;
            options.Weights = new float[] { 0.21164104f, -2.427073f, 1.7164935f, -4.960068f, -2.2173927f, -1.014599f, -0.055028934f, -6.81018f, 0.12838568f, 6.640973f };
            options.Bias = -1.5244097f;
            return options;
        }
    }
}
