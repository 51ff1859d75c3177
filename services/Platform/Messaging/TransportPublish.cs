using System.Diagnostics;
using JasperFx.Events;
using MassTransit;

namespace JiaoLianTi.Platform.Messaging;

/// <summary>
/// One publish of an integration event in the transport (MassTransit, then the RabbitMQ client), ending with the broker's
/// confirm, by the page or at the commit (<see cref="IntegrationEventPublisher"/>, <see cref="PublishOnCommit"/>).
/// <para>
/// The caller waits for <see cref="Task"/> with its attempt's limit (<c>WaitAsync</c>): an attempt that runs out
/// abandons the wait at once, whatever the transport does, but does not cancel the publish. Cancelling it there held the
/// publisher for good: MassTransit sets up a new channel's topology once, with the token of whichever publish comes
/// first, and every other publish on that channel waits for that setup with no token of its own; a setup cancelled by one
/// attempt's timeout (the broker just back, every publisher rushing to it) can leave the channel's setup failed and
/// every later publish waiting for ever. And a publish deaf to its token (the RabbitMQ client's confirm wait on a dead
/// channel, rabbitmq-dotnet-client#1930) held the attempt, the page and every event behind it: scripts/faults.sh once
/// saw 209 of 480 events held for minutes after a RabbitMQ kill, with no attempt after the first ever ending (issue 20).
/// </para>
/// <para>
/// A publish is cancelled only when it is given up (<see cref="Cancel"/>): while the broker is away (it is then only
/// waiting for a connection, <see cref="BrokerAway"/>), or when it has been going for several windows, or at the
/// stopping token, and in any case after <see cref="Limit"/>.
/// </para>
/// </summary>
public sealed class TransportPublish
{
    /// <summary>
    /// How long a publish may go on inside the transport at most: by then it has reached the broker or is still waiting
    /// for a connection, and the attempts after it stand in for it.
    /// </summary>
    public static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    private static readonly ActivitySource Source = new("JiaoLianTi");

    private readonly CancellationTokenSource limit;

    private TransportPublish(Task task, CancellationTokenSource limit)
    {
        Task = task;
        this.limit = limit;
    }

    /// <summary>The publish, done when the broker confirmed it (or it failed, or was cancelled).</summary>
    public Task Task { get; }

    /// <summary>
    /// Starts publishing <paramref name="message"/>, the integration event of <paramref name="event"/>, by
    /// <paramref name="path"/> ("page" or "commit"), with the same MessageId, headers and trace either way.
    /// </summary>
    internal static TransportPublish Start(IBus bus, IEvent @event, object message, string path, CancellationToken stopping)
    {
        var limit = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        limit.CancelAfter(Limit);
        var task = PublishCoreAsync(bus, @event, message, path, limit.Token);
        _ = task.ContinueWith(static (done, state) =>
        {
            _ = done.Exception; // a publish given up fails as it may: the attempt after it stands in for it
            ((CancellationTokenSource)state!).Dispose();
        }, limit, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return new TransportPublish(task, limit);
    }

    /// <summary>Gives the publish up: it is cancelled (a publish deaf to that goes on, and is left to end by itself).</summary>
    public void Cancel()
    {
        try
        {
            limit.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // It ended meanwhile.
        }
    }

    /// <summary>
    /// Whether the bus is not connected to the broker now (MassTransit's own health: an endpoint not ready): a publish
    /// still going then only waits for a connection, and cancelling it sets up nothing halfway.
    /// </summary>
    public static bool BrokerAway(IBus bus) => bus is IBusControl control && control.CheckHealth().Status != BusHealthStatus.Healthy;

    private static async Task PublishCoreAsync(IBus bus, IEvent @event, object message, string path, CancellationToken ct)
    {
        // Continue the trace of the request that appended the event, so one command is one trace across services.
        var traceParent = @event.Headers?.GetValueOrDefault(IntegrationEventPublisher.TraceParentHeader)?.ToString();
        ActivityContext.TryParse(traceParent, null, out var parent);
        using var activity = Source.StartActivity($"{message.GetType().Name} publish", ActivityKind.Producer, parent);
        activity?.SetTag("messaging.message.id", @event.Id);
        activity?.SetTag("jlt.stream.id", @event.StreamId);
        activity?.SetTag("jlt.publish.path", path);

        await bus.Publish(message, message.GetType(), context =>
        {
            context.MessageId = @event.Id;
            context.Durable = true;
            if (activity is not { Recorded: true } && traceParent is not null)
            {
                // A trace left out (Telemetry:TraceSampleRatio) has no span here, and MassTransit then sent no trace
                // context: each consumer judged the message as the root of a trace of its own and kept a share of
                // those, fragments of two spans with no command above them (8,274 of the dashboard's 10,368 traces in
                // a benchmark run at 0.1; issue 20). Carrying the command's context, marked as left out, each consumer
                // judges the same trace id and leaves it out too.
                context.Headers.Set(IntegrationEventPublisher.ActivityIdHeader, traceParent);
            }
            context.Headers.Set(IntegrationEventPublisher.StreamHeader, @event.StreamId.ToString());
            context.Headers.Set(IntegrationEventPublisher.StreamVersionHeader, @event.Version);
        }, ct);
    }
}
