using System.Net.Sockets;
using System.Security.Authentication;

namespace Eldercare.Edge.Gateway.Forwarding;

/// <summary>
/// A failed send's kind, a bounded label for /metrics and the first word of /health/ready's reason: <c>timeout</c>,
/// <c>connection</c> (refused, reset, unreachable, name not resolved), <c>tls</c> (handshake or certificate),
/// <c>answer</c> (the upstream answered, but not with a usable acknowledgement: a status, a body), <c>other</c>.
/// Any upstream kind's exceptions fit: they are classified by the exception types .NET and the clients throw.
/// </summary>
public static class UpstreamErrorKind
{
    public const string Timeout = "timeout";
    public const string Connection = "connection";
    public const string Tls = "tls";
    public const string Answer = "answer";
    public const string Other = "other";

    public static string Of(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case AuthenticationException:
                    return Tls;
                case SocketException or IOException when e is not FileNotFoundException:
                    return Connection;
                case TimeoutException or OperationCanceledException:
                    return Timeout;
                case UpstreamException:
                    return Answer;
                case System.Text.Json.JsonException:
                    return Answer;
            }
        }

        return exception is HttpRequestException ? Connection : Other;
    }
}
