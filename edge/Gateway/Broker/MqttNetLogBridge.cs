using MQTTnet.Diagnostics.Logger;
using Microsoft.Extensions.Logging;

namespace Eldercare.Edge.Gateway.Broker;

/// <summary>
/// Receives MQTTnet's own log and turns the server's protocol complaints (garbage bytes on the port, a first
/// packet that is not CONNECT, a malformed packet) into the gateway's rejection record: one log line and
/// <c>gateway_rejected_total{reason="protocol_error"}</c>. Everything else from MQTTnet goes to Debug.
/// MQTTnet's messages carry the client id or endpoint, never a password (it logs no CONNECT payload).
/// </summary>
public sealed class MqttNetLogBridge : IMqttNetLogger
{
    public const string ProtocolError = "protocol_error";

    private readonly ILogger _logger;
    private readonly Action<string, string> _reject;

    /// <param name="reject">(who, detail): counts and logs a rejection with reason <see cref="ProtocolError"/>.</param>
    public MqttNetLogBridge(ILogger logger, Action<string, string> reject)
    {
        _logger = logger;
        _reject = reject;
    }

    public bool IsEnabled => true;

    public void Publish(MqttNetLogLevel logLevel, string source, string message, object[] parameters, Exception exception)
    {
        // MQTTnet publishes a Verbose line per packet (TX/RX with the packet's ToString): formatting them all
        // was a measurable share of the gateway's CPU under load, so nothing is formatted unless it is used.
        if (logLevel < MqttNetLogLevel.Warning && !_logger.IsEnabled(LogLevel.Debug))
        {
            return;
        }

        var text = parameters is { Length: > 0 } ? SafeFormat(message, parameters) : message;
        if (source == "MqttClientSessionsManager" && logLevel >= MqttNetLogLevel.Warning && !IsGuardCut(exception))
        {
            // e.g. "Client '127.0.0.1:36626': First received packet was no 'CONNECT' packet [MQTT-3.1.0-1]."
            _reject(WhoOf(text), exception is null ? text : $"{text} ({exception.GetType().Name}: {exception.Message})");
            return;
        }

        if (logLevel >= MqttNetLogLevel.Warning || _logger.IsEnabled(LogLevel.Debug))
        {
            _logger.LogDebug("mqttnet {Source}: {Message} {Error}", source, Eldercare.Firmware.Core.Text.LogText.Untrusted(text, 400), Eldercare.Firmware.Core.Text.LogText.Untrusted(exception?.Message ?? string.Empty, 400));
        }
    }

    private static bool IsGuardCut(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is PacketTooLargeException)
            {
                return true;
            }

            if (e is AggregateException aggregate && aggregate.InnerExceptions.Any(inner => IsGuardCut(inner)))
            {
                return true;
            }
        }

        return false;
    }

    private static string WhoOf(string text)
    {
        const string marker = "Client '";
        var start = text.IndexOf(marker, StringComparison.Ordinal);
        if (start < 0)
        {
            return "?";
        }

        start += marker.Length;
        var end = text.IndexOf('\'', start);
        return end > start ? text[start..end] : "?";
    }

    private static string SafeFormat(string message, object[] parameters)
    {
        try
        {
            return string.Format(System.Globalization.CultureInfo.InvariantCulture, message, parameters);
        }
        catch (FormatException)
        {
            return message;
        }
    }
}
