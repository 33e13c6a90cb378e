namespace Eldercare.Firmware.Core.Falls
{
    /// <summary>
    /// The math functions the detector calls, replaceable by an evaluator that models another runtime's. Stock ESP32
    /// nanoFramework images compute every native <c>System.Math</c> function in single precision (../shared/NANOFRAMEWORK.md,
    /// "Runtime behaviour the host twin does not show"), the host in double; <c>FallEval --math single</c> passes a
    /// single-precision model so the decisions on the datasets can be compared. Unset (the device, the twin):
    /// <c>System.Math</c>, through <see cref="DetectorMath"/>.
    /// </summary>
    public interface IDetectorMath
    {
        double Sqrt(double x);

        double Log(double x);

        double Exp(double x);

        double Acos(double x);

        double Cos(double x);
    }
}
