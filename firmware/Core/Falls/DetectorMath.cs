using System;

namespace Eldercare.Firmware.Core.Falls
{
    /// <summary>
    /// The detector's one way to <c>System.Math</c>: the options' <see cref="IDetectorMath"/> when an evaluator set one,
    /// else <c>System.Math</c> itself (on the device: its single-precision functions). A null check per call.
    /// </summary>
    public static class DetectorMath
    {
        public static double Sqrt(IDetectorMath model, double x)
        {
            return model == null ? Math.Sqrt(x) : model.Sqrt(x);
        }

        public static double Log(IDetectorMath model, double x)
        {
            return model == null ? Math.Log(x) : model.Log(x);
        }

        public static double Exp(IDetectorMath model, double x)
        {
            return model == null ? Math.Exp(x) : model.Exp(x);
        }

        public static double Acos(IDetectorMath model, double x)
        {
            return model == null ? Math.Acos(x) : model.Acos(x);
        }

        public static double Cos(IDetectorMath model, double x)
        {
            return model == null ? Math.Cos(x) : model.Cos(x);
        }
    }
}
