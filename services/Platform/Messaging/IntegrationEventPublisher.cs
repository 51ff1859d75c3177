using System.Diagnostics;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using MassTransit;
using Marten;
using Marten.Subscriptions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace JiaoLianTi.Platform.Messaging;

/// <summary>
/// The event store is the outbox (docs/design.md 4). This Marten subscription reads committed events in order, maps those
/// that leave the service to their contracts and publishes them with MessageId = the Marten event id, waiting for
/// the broker's confirms: a page's streams side by side, each stream's events in order. Marten moves the checkpoint
/// only after the page returns, so an event is published at least once and never lost; consumers drop the duplicates
/// by MessageId. While the broker is away the page is retried
/// (backing off to 5 s) instead of failing, because a failed subscription would pause until the service restarts.
/// Most events have left already when their page comes (<see cref="PublishOnCommit"/> publishes them as they are
/// committed): the page then waits for that publish and skips them, and publishes only the rest.
/// </summary>
public sealed class IntegrationEventPublisher : SubscriptionBase
{
    public const string SubscriptionId = "integration-events";
    internal const string TraceParentHeader = "traceparent";

    /// <summary>
    /// The owner's event stream an integration event comes from (its aggregate's id), and the event's version in it,
    /// as message headers: a consumer that handles several messages at once keeps each stream's order by them (the
    /// Subscriptions relay partitions by stream), and a consumer can tell a newer fact from an older one.
    /// </summary>
    public const string StreamHeader = "jlt-stream-id";
    public const string StreamVersionHeader = "jlt-stream-version";

    /// <summary>The header MassTransit carries a message's trace context in (W3C traceparent).</summary>
    public const string ActivityIdHeader = "MT-Activity-Id";

    private readonly IIntegrationEventMap map;
    private readonly PublishOnCommit onCommit;
    private readonly IBus bus;
    private readonly PublishingGate gate;
    private readonly ILogger<IntegrationEventPublisher> logger;
    private readonly ResiliencePipeline retry;
    private readonly Observability.OpsMetrics? metrics;

    public IntegrationEventPublisher(
        IIntegrationEventMap map, PublishOnCommit onCommit, IBus bus, PublishingGate gate,
        ILogger<IntegrationEventPublisher> logger, IConfiguration configuration, Observability.OpsMetrics? metrics = null)
    {
        this.onCommit = onCommit;
        var attemptTimeout = configuration.GetValue("Messaging:PublishAttemptTimeout", DefaultAttemptTimeout);
        this.metrics = metrics;
        this.map = map;
        this.bus = bus;
        this.gate = gate;
        this.logger = logger;
        Name = SubscriptionId;
        Options.BatchSize = 500;
        // One page at a time, the next loaded when the last is checkpointed: it then holds everything committed in
        // the meantime (up to BatchSize). Marten's default loads a new page at every move of the high-water mark while
        // fewer than two batches are in flight, and under load the mark moves every few milliseconds: pages of a few
        // events queued one behind another, each waiting for its confirms and its checkpoint (issue 20: CampusSafety's
        // publisher fell 8.9 s behind at 80 events/s with pages of 5 events; commit->publish p95 12.1 s at 200/s).
        Options.MaximumHopperSize = 1;
        retry = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                // Everything but the subscription's own stop: a broker killed mid-publish cancels the pending confirms
                // (an OperationCanceledException too), and a page that failed with it paused the subscription until
                // the service restarted (scripts/faults.sh: 651 of 800 events stuck after RabbitMQ was killed); and an
                // attempt whose confirm did not come in time (the timeout below).
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is not null && !args.Context.CancellationToken.IsCancellationRequested),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
                MaxDelay = TimeSpan.FromSeconds(5),
                OnRetry = args =>
                {
                    logger.LogWarning(args.Outcome.Exception,
                        "Publishing to the broker failed (attempt {Attempt}); retrying", args.AttemptNumber + 1);
                    return ValueTask.CompletedTask;
                },
            })
            // Each attempt gets at most AttemptTimeout, then its wait is abandoned and the event published again (a
            // duplicate at worst, dropped downstream by MessageId). After RabbitMQ's kill -9, a publish could wait for
            // a confirm that never came: the channel it went out on was gone, yet its confirm was never failed
            // (RabbitMQ.Client 7.2, rabbitmq-dotnet-client#1930), and with no time limit the page, and every event
            // behind it, waited until the service restarted (scripts/faults.sh: once in about five runs, 338 events
            // held for minutes; issue 20). The timeout is only the attempt's: it abandons the wait for the transport's
            // publish rather than cancelling it (see TransportPublish).
            .AddTimeout(attemptTimeout)
            .Build();
    }

    public override async Task<IChangeListener> ProcessEventsAsync(
        EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        var started = Stopwatch.GetTimestamp();
        // Many publishes in flight, their confirms awaited together: one at a time, each waiting for its confirm, a
        // page of 500 took 500 round trips to the broker, and events queued behind it for seconds (issue 20).
        // Order is kept per stream (a consumer sees a stream's facts in the order they happened): each stream's events
        // go one after another, the streams side by side, at most MaxInFlight at once.
        // An event claimed at its commit (PublishOnCommit) is not mapped here: the page waits for the claim and
        // publishes the event only if that publish failed. Any other event is the page's from here on.
        var streams = page.Events
            .Select(@event => onCommit.IsClaimed(@event)
                ? (Event: @event, Message: null, Claimed: true)
                : (Event: @event, Message: map.ToIntegrationEvent(@event), Claimed: false))
            .GroupBy(item => item.Event.StreamId)
            .ToList();
        await Parallel.ForEachAsync(streams, new ParallelOptions { MaxDegreeOfParallelism = MaxInFlight, CancellationToken = ct },
            async (stream, token) =>
            {
                foreach (var (@event, mapped, claimed) in stream)
                {
                    var message = claimed && !await onCommit.TakeAsync(@event, token) ? map.ToIntegrationEvent(@event) : mapped;
                    if (message is not null)
                    {
                        await PublishAsync(@event, message, token, claimed ? onCommit.StillGoing(@event) : null);
                    }
                    if (!claimed)
                    {
                        onCommit.Release(@event);
                    }
                }
                onCommit.Settled(stream.Key, stream.Max(item => item.Event.Version));
            });
        logger.LogDebug("Published the page {Floor}-{Ceiling}: {Events} events of {Streams} streams in {Elapsed} ms",
            page.SequenceFloor, page.SequenceCeiling, page.Events.Count, streams.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return NullChangeListener.Instance;
    }

    /// <summary>How many streams publish at once (each waiting for its broker confirm).</summary>
    public const int MaxInFlight = 64;

    /// <summary>
    /// How long one publish may wait (for the broker's connection and then its confirm) before it is abandoned and
    /// tried again, unless <c>Messaging:PublishAttemptTimeout</c> says otherwise. A confirm takes milliseconds; while
    /// the broker is away MassTransit keeps reconnecting inside the attempt, so this only bounds a wait that nothing
    /// would ever end.
    /// </summary>
    public static readonly TimeSpan DefaultAttemptTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How many attempt windows a publish still going (its attempt ran out, or the commit's did) is waited for before
    /// another one is sent beside it.
    /// </summary>
    public const int StillGoingWindows = 3;

    /// <summary>
    /// Publishes with retries (<see cref="TransportPublish"/> says why an attempt that runs out abandons its wait rather
    /// than cancel the publish). A publish still going when its attempt ran out, while the broker is connected, is
    /// waited for by the next attempts, up to <see cref="StillGoingWindows"/> windows, rather than sent again beside it:
    /// each abandoned publish that later went out was a duplicate downstream (96-331 of 480 in fault runs on a loaded
    /// machine). One that failed, one still going while the broker is away (it only waits for a connection), or one
    /// going for that long is cancelled and replaced by a new publish. <paramref name="pending"/>: the commit's publish,
    /// still going.
    /// </summary>
    private async Task PublishAsync(IEvent @event, object message, CancellationToken ct, TransportPublish? pending = null)
    {
        var windows = 0;
        await retry.ExecuteAsync(async attempt =>
        {
            if (pending is { Task.IsCompletedSuccessfully: true })
            {
                return;
            }
            if (pending is { Task.IsCompleted: false } && (++windows > StillGoingWindows || TransportPublish.BrokerAway(bus)))
            {
                logger.LogInformation("Publishing {MessageId} again: the publish before it {Why}", @event.Id,
                    windows > StillGoingWindows ? $"was still going after {StillGoingWindows + 1} windows" : "waits for the broker");
                pending.Cancel();
                pending = null;
            }
            if (pending is not { Task.IsCompleted: false })
            {
                if (pending is { Task.IsFaulted: true })
                {
                    logger.LogInformation("Publishing {MessageId} again: the publish before it failed ({Error})", @event.Id,
                        pending.Task.Exception?.GetBaseException().GetType().Name);
                }
                windows = 0;
                pending = TransportPublish.Start(bus, @event, message, "page", ct);
            }
            await pending.Task.WaitAsync(attempt);
        }, ct);
        metrics?.Published(message.GetType().Name, DateTimeOffset.UtcNow - @event.Timestamp);
        logger.LogDebug("Published {MessageType} {MessageId}", message.GetType().Name, @event.Id);
    }
}
