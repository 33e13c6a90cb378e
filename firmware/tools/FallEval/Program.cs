namespace Eldercare.Firmware.Tools.FallEval; internal static class Program { private static int Main() => 0; }
