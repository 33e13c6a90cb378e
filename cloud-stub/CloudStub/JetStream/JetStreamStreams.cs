using Eldercare.Edge.Gateway.Forwarding;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Eldercare.CloudStub.JetStream;

/// <summary>The platform's streams, created (or updated) by the stub at start: events and the gateways' feed, both replicated.</summary>
public static class JetStreamStreams
{
    public static async Task EnsureAsync(INatsJSContext js, JetStreamOptions options, CancellationToken cancellationToken)
    {
        foreach (var (name, subject) in new[] { (JetStreamSubjects.EventsStream, JetStreamSubjects.AllEvents), (JetStreamSubjects.DownlinksStream, JetStreamSubjects.AllDownlinks) })
        {
            await js.CreateOrUpdateStreamAsync(new StreamConfig(name, [subject])
            {
                NumReplicas = options.Replicas,
                Storage = StreamConfigStorage.File,
                DuplicateWindow = TimeSpan.FromSeconds(options.DuplicateWindowSeconds),
            }, cancellationToken).ConfigureAwait(false);
        }
    }
}
