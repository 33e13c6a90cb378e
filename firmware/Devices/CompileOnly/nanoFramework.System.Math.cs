// COMPILE-ONLY declarations of nanoFramework.System.Math 1.5.116, for the firmware compile test
// (tests/Firmware.Tests/NanoCompile). Never shipped, never run, referenced by no runnable project: on the device
// the real package (packages.config) provides these. Each signature is copied from
// https://github.com/nanoframework/System.Math/blob/v1.5.116/nanoFramework.System.Math/Math.cs (line numbers there).
// Stock ESP32 firmware computes these natively in SINGLE precision (../shared/NANOFRAMEWORK.md).
namespace System
{
    public static class Math
    {
        public const double PI = 3.14159265358979323846; // Math.cs:19
        public const double E = 2.7182818284590452354; // Math.cs:25

        public static int Abs(int value) => throw null; // Math.cs:32

        public static double Abs(double value) => throw null; // Math.cs:44

        public static float Abs(float value) => throw null; // Math.cs:54

        public static double Acos(double d) => throw null; // Math.cs:64

        public static double Asin(double d) => throw null; // Math.cs:74

        public static double Atan(double d) => throw null; // Math.cs:84

        public static double Atan2(double y, double x) => throw null; // Math.cs:95

        public static double Ceiling(double d) => throw null; // Math.cs:115

        public static double Cos(double a) => throw null; // Math.cs:282

        public static double Exp(double d) => throw null; // Math.cs:302

        public static double Floor(double d) => throw null; // Math.cs:312

        public static double Log(double d) => throw null; // Math.cs:335

        public static double Log10(double d) => throw null; // Math.cs:345

        public static int Max(int val1, int val2) => throw null; // Math.cs:354

        public static double Max(double val1, double val2) => throw null; // Math.cs:367

        public static float Max(float val1, float val2) => throw null; // Math.cs:377

        public static int Min(int val1, int val2) => throw null; // Math.cs:385

        public static double Min(double val1, double val2) => throw null; // Math.cs:398

        public static float Min(float val1, float val2) => throw null; // Math.cs:408

        public static double Pow(double x, double y) => throw null; // Math.cs:418

        public static double Round(double a) => throw null; // Math.cs:428 (no Round(double, int) in nano)

        public static int Sign(double value) => throw null; // Math.cs:438

        public static double Sin(double a) => throw null; // Math.cs:458

        public static double Sqrt(double d) => throw null; // Math.cs:478

        public static double Tan(double a) => throw null; // Math.cs:488

        public static double Truncate(double d) => throw null; // Math.cs:508
    }
}
