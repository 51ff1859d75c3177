using System.Diagnostics;
using Marten;

namespace JiaoLianTi.Platform.EventStore;

/// <summary>
/// Lightweight sessions that stamp every appended event with the W3C trace context of the work that caused it, so
/// that the publisher can continue that trace when the event leaves the service.
/// </summary>
public sealed class TracingSessionFactory(IDocumentStore store) : ISessionFactory
{
    public IQuerySession QuerySession() => store.QuerySession();

    public IDocumentSession OpenSession()
    {
        var session = store.LightweightSession();
        if (Activity.Current is { } activity)
        {
            session.CorrelationId = activity.TraceId.ToString();
            session.SetHeader(Messaging.IntegrationEventPublisher.TraceParentHeader, activity.Id!);
        }
        return session;
    }
}
