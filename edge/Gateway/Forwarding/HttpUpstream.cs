using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization;
using Eldercare.Edge.Gateway.Configuration;
using Eldercare.Edge.Gateway.Store;

namespace Eldercare.Edge.Gateway.Forwarding;

/// <summary><c>POST {CloudUrl}/api/v1/events</c> as in docs/wire-format.md; any non-200 is an exception (retry).</summary>
public sealed class HttpUpstream : IUpstream
{
    private readonly HttpClient _http;
    private readonly ForwarderOptions _options;

    public HttpUpstream(HttpClient http, ForwarderOptions options)
    {
        _http = http;
        _options = options;
    }

    /// <summary>
    /// The HTTP handler for the upstream link: system trust by default; with <see cref="UpstreamTlsOptions"/> also a
    /// private CA (custom root, full chain check) or a pinned SHA-256 thumbprint. Name mismatches are never accepted.
    /// </summary>
    public static SocketsHttpHandler CreateHandler(UpstreamTlsOptions tls)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (!tls.HasCustomTrust)
        {
            return handler;
        }

        X509Certificate2? ca = string.IsNullOrWhiteSpace(tls.TrustedCaPath) ? null : X509CertificateLoader.LoadCertificateFromFile(tls.TrustedCaPath);
        var pin = tls.NormalizedPin;
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            if (errors == SslPolicyErrors.None)
            {
                return true;
            }

            if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            {
                return false;
            }

            using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            if (!string.IsNullOrEmpty(pin) && Convert.ToHexString(SHA256.HashData(presented.RawData)) == pin)
            {
                return true;
            }

            if (ca is null)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(presented);
        };
        return handler;
    }

    /// <summary>
    /// Asynchronous I/O, except for a caller on a thread of its own (an alarm stream's, <see cref="UpstreamCallContext"/>):
    /// synchronous I/O end to end, because an asynchronous socket completes through the thread pool's queue, which holds
    /// ~1,000 items in a reconnect storm, and an alarm's answer would wait behind them; the blocked thread is the
    /// stream's own.
    /// </summary>
    public Task<UpstreamAnswer> SendAsync(IReadOnlyList<EventRecord> batch, CancellationToken cancellationToken)
    {
        if (!UpstreamCallContext.CallerOwnsThread)
        {
            return SendPooledAsync(batch, cancellationToken);
        }

        try
        {
            return Task.FromResult(SendBlocking(batch, cancellationToken));
        }
        catch (Exception exception)
        {
            return Task.FromException<UpstreamAnswer>(exception);
        }
    }

    private async Task<UpstreamAnswer> SendPooledAsync(IReadOnlyList<EventRecord> batch, CancellationToken cancellationToken)
    {
        using var request = CreateRequest(batch);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeoutMilliseconds);
        using var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
        EnsureOk(response);
        var answer = await response.Content.ReadFromJsonAsync<AnswerBody>(timeout.Token).ConfigureAwait(false);
        return ToAnswer(answer);
    }

    /// <summary>Synchronous I/O end to end (HTTP/1.1 on SocketsHttpHandler): no thread pool work item on the way.</summary>
    private UpstreamAnswer SendBlocking(IReadOnlyList<EventRecord> batch, CancellationToken cancellationToken)
    {
        using var request = CreateRequest(batch);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeoutMilliseconds);
        using var response = _http.Send(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
        EnsureOk(response);
        using var stream = response.Content.ReadAsStream(timeout.Token);
        AnswerBody? answer;
        try
        {
            answer = JsonSerializer.Deserialize<AnswerBody>(stream);
        }
        catch (JsonException exception)
        {
            throw new UpstreamException($"upstream answered 200 with a body that is not the expected JSON: {exception.Message}");
        }

        return ToAnswer(answer);
    }

    /// <summary>
    /// The first alarm after a start took ~430-530 ms in its POST (measured: the synchronous HTTP path, the JSON
    /// serialisers and the connection are all first used there, and the gateway runs without tiered compilation), and
    /// the alarms after it waited. This goes through the same path with no event: a batch serialised into memory,
    /// then a POST of an empty batch through the synchronous path (an empty batch is valid and stores nothing; an
    /// upstream that refuses it still warmed the path). It opens the pooled connection the first alarm will use.
    /// With a HEAD instead of the POST, each alarm stream's first real POST still took 83-95 ms.
    /// </summary>
    public Task WarmAsync(CancellationToken cancellationToken)
    {
        try
        {
            var sample = new EventRecord
            {
                StoreSequence = 1, Id = "warm-0001:1:1", DeviceId = "warm-0001", BootEpoch = 1, Sequence = 1, Type = "sos", Lane = "alarm",
                DeviceTimestampUnixMilliseconds = 1, ReceivedUnixMilliseconds = 1, Payload = "{}",
            };
            using (var request = CreateRequest([sample]))
            {
                request.Content!.CopyTo(Stream.Null, null, cancellationToken);
            }

            _ = SendBlocking([], cancellationToken);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Best effort, never a reason to stop: the upstream may be down at start (the first real send retries as
            // usual), or the host may be stopping and have disposed the client under the request (a CI run saw an
            // ObjectDisposedException here end the process when it escaped the alarm lane's thread).
        }

        return Task.CompletedTask;
    }

    private HttpRequestMessage CreateRequest(IReadOnlyList<EventRecord> batch)
    {
        var body = UpstreamBatchJson.Body(_options.GatewayId, batch);
        var request = new HttpRequestMessage(HttpMethod.Post, _options.EventsUri) { Content = JsonContent.Create(body) };
        if (!string.IsNullOrEmpty(_options.ApiKey))
        {
            request.Headers.Add("X-Api-Key", _options.ApiKey);
        }

        return request;
    }

    private static void EnsureOk(HttpResponseMessage response)
    {
        if ((int)response.StatusCode != 200)
        {
            throw new UpstreamException($"upstream answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }
    }

    private static UpstreamAnswer ToAnswer(AnswerBody? answer)
    {
        if (answer is null)
        {
            throw new UpstreamException("upstream answered 200 with an empty body");
        }

        var accepted = new List<string>((answer.Stored?.Count ?? 0) + (answer.Duplicates?.Count ?? 0));
        accepted.AddRange(answer.Stored ?? []);
        accepted.AddRange(answer.Duplicates ?? []);
        var rejected = (answer.Rejected ?? []).Select(r => new UpstreamRejection(r.Id ?? string.Empty, r.Reason ?? "unknown")).ToList();
        return new UpstreamAnswer(accepted, rejected);
    }

    private sealed class AnswerBody
    {
        [JsonPropertyName("stored")]
        public List<string>? Stored { get; init; }

        [JsonPropertyName("duplicates")]
        public List<string>? Duplicates { get; init; }

        [JsonPropertyName("rejected")]
        public List<RejectedBody>? Rejected { get; init; }
    }

    private sealed class RejectedBody
    {
        [JsonPropertyName("id")]
        public string? Id { get; init; }

        [JsonPropertyName("reason")]
        public string? Reason { get; init; }
    }
}
