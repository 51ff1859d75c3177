using Marten;
using Marten.Services;
using Microsoft.Extensions.DependencyInjection;

namespace JiaoLianTi.Platform.Observability;

/// <summary>A domain counter fed by one event type: <c>jlt.registrations{outcome="confirmed"}</c> from RegistrationConfirmed.</summary>
public sealed record EventCounter(Type EventType, string Instrument, string Unit, string TagName, Func<object, string> Tag);

public static class EventCounterExtensions
{
    /// <summary>Counts each committed <typeparamref name="T"/> in <paramref name="instrument"/>, tagged as <paramref name="tag"/> says.</summary>
    public static IServiceCollection CountEvents<T>(
        this IServiceCollection services, string instrument, string unit, string tagName, Func<T, string> tag) =>
        services.AddSingleton(new EventCounter(typeof(T), instrument, unit, tagName, e => tag((T)e)));
}

/// <summary>
/// After each commit (never for a transaction that rolled back): <c>jlt.events.appended</c> by event type, and the
/// domain counters the service registered (<see cref="EventCounter"/>).
/// </summary>
internal sealed class AppendedEvents(OpsMetrics metrics, IReadOnlyDictionary<Type, EventCounter[]> counters) : DocumentSessionListenerBase
{
    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        foreach (var @event in commit.GetEvents())
        {
            metrics.Appended(@event.EventTypeName);
            if (counters.TryGetValue(@event.EventType, out var matching))
            {
                foreach (var counter in matching)
                {
                    metrics.CountEvent(counter.Instrument, counter.Unit, counter.TagName, counter.Tag(@event.Data));
                }
            }
        }
        return Task.CompletedTask;
    }
}

internal sealed class CountAppendedEvents(OpsMetrics metrics, IEnumerable<EventCounter> counters) : IConfigureMarten
{
    public void Configure(IServiceProvider services, StoreOptions options) =>
        options.Listeners.Add(new AppendedEvents(metrics,
            counters.GroupBy(c => c.EventType).ToDictionary(g => g.Key, g => g.ToArray())));
}
