namespace Eldercare.Firmware.Core.Commands
{
    /// <summary>A decoded command, or why the bytes were refused (one of <see cref="Events.RejectReasons"/>).</summary>
    public sealed class CommandDecodeResult
    {
        private CommandDecodeResult(DeviceCommand command, string reason, string detail)
        {
            Command = command;
            Reason = reason;
            Detail = detail;
        }

        public DeviceCommand Command { get; private set; }

        public string Reason { get; private set; }

        public string Detail { get; private set; }

        public bool IsValid
        {
            get { return Command != null; }
        }

        public static CommandDecodeResult Success(DeviceCommand command)
        {
            return new CommandDecodeResult(command, null, null);
        }

        public static CommandDecodeResult Reject(string reason, string detail)
        {
            return new CommandDecodeResult(null, reason, detail);
        }
    }
}
