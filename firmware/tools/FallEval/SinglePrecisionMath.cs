using Eldercare.Firmware.Core.Falls;

namespace Eldercare.Firmware.Tools.FallEval;

/// <summary>
/// A model of the stock ESP32 nanoFramework image's <c>System.Math</c>, which computes every native function in single
/// precision (../shared/NANOFRAMEWORK.md): the argument rounded to <c>float</c>, the function evaluated by a
/// single-precision implementation (.NET's <see cref="MathF"/>), the result widened back to <c>double</c>.
/// </summary>
public sealed class SinglePrecisionMath : IDetectorMath
{
    public static readonly SinglePrecisionMath Instance = new();

    public double Sqrt(double x) => MathF.Sqrt((float)x);

    public double Log(double x) => MathF.Log((float)x);

    public double Exp(double x) => MathF.Exp((float)x);

    public double Acos(double x) => MathF.Acos((float)x);

    public double Cos(double x) => MathF.Cos((float)x);
}
