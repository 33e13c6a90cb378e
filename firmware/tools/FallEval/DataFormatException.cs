namespace Eldercare.Firmware.Tools.FallEval;

/// <summary>Bad input data: the message names the file and line. The tool prints it and exits non-zero.</summary>
public sealed class DataFormatException(string message) : Exception(message);
