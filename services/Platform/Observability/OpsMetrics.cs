using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace JiaoLianTi.Platform.Observability;

/// <summary>
/// The OpenTelemetry instruments that say how a service is doing (meter <c>JiaoLianTi.Ops</c>), each tagged with the
/// <c>service</c> (its short name: <c>alliances</c> …). Names and units follow the OpenTelemetry semantic conventions
/// where one exists (<c>messaging.client.*</c>); the rest are <c>jlt.*</c>. <see cref="Catalogue"/> lists them all
/// (docs/operations.md, and the dashboards' queries are checked against it).
/// </summary>
public sealed class OpsMetrics : IDisposable
{
    public const string MeterName = "JiaoLianTi.Ops";

    // The names, once: the hooks, the tests and the dashboards' check read them from here.
    public const string Commands = "jlt.commands";
    public const string EventsAppended = "jlt.events.appended";
    public const string MessagesSent = "messaging.client.sent.messages";
    public const string PublishingLag = "jlt.publishing.lag";
    public const string MessagesConsumed = "messaging.client.consumed.messages";
    public const string ProcessDuration = "messaging.process.duration";
    public const string ProjectionLag = "jlt.projection.lag";
    public const string ProjectionBehind = "jlt.projection.behind";
    public const string QueueMessages = "jlt.queue.messages";
    public const string Registrations = "jlt.registrations";
    public const string SensitiveReads = "jlt.sensitive_reads";
    public const string OpsActions = "jlt.ops.actions";
    public const string GroupCommitSize = "jlt.group_commit.size";

    /// <summary>Every instrument of this meter, of the periodic checks' meter and of the capacity gates': name, unit, kind.</summary>
    public static readonly IReadOnlyList<(string Name, string Unit, string Kind)> Catalogue =
    [
        (Commands, "{command}", "counter"),
        (EventsAppended, "{event}", "counter"),
        (MessagesSent, "{message}", "counter"),
        (PublishingLag, "s", "histogram"),
        (MessagesConsumed, "{message}", "counter"),
        (ProcessDuration, "s", "histogram"),
        (ProjectionLag, "s", "gauge"),
        (ProjectionBehind, "{event}", "gauge"),
        (QueueMessages, "{message}", "gauge"),
        (Registrations, "{registration}", "counter"),
        (SensitiveReads, "{read}", "counter"),
        (OpsActions, "{action}", "counter"),
        (GroupCommitSize, "{message}", "histogram"),
        ("jlt.checks.runs", "{run}", "counter"),
        ("jlt.checks.acted", "{item}", "counter"),
        ("jlt.checks.duration", "s", "histogram"),
        ("jlt.checks.last_run", "s", "gauge"),
        ("jlt.checks.next_run", "s", "gauge"),
        ("jlt.checks.interval", "s", "gauge"),
        (Capacity.CapacityGauges.LimitInstrument, "{request}", "gauge"),
        (Capacity.CapacityGauges.RunningInstrument, "{request}", "gauge"),
        (Capacity.CapacityGauges.ForwardWaitInstrument, "s", "histogram"),
    ];

    private readonly Meter meter = new(MeterName);
    private readonly KeyValuePair<string, object?> serviceTag;
    private readonly Counter<long> commands;
    private readonly Counter<long> eventsAppended;
    private readonly Counter<long> sent;
    private readonly Histogram<double> publishingLag;
    private readonly Counter<long> consumed;
    private readonly Histogram<double> processDuration;
    private readonly ConcurrentDictionary<string, Counter<long>> eventCounters = new();
    private readonly Counter<long> opsActions;
    private readonly Histogram<int> groupCommitSize;

    public OpsMetrics(string service, EventFlowSampler.Holder sampled, IEnumerable<EventCounter> counters)
    {
        Service = service;
        serviceTag = new("service", service);
        commands = meter.CreateCounter<long>(Commands, "{command}",
            "命令（按类型与结果）/ Commands handled, by type and outcome (accepted, refused, invalid, conflict, forbidden, not_found, failed)");
        eventsAppended = meter.CreateCounter<long>(EventsAppended, "{event}", "追加的事件 / Events appended to the store, by type");
        sent = meter.CreateCounter<long>(MessagesSent, "{message}", "发布的集成事件 / Integration events published (broker confirmed)");
        publishingLag = meter.CreateHistogram<double>(PublishingLag, "s",
            "发布延迟（提交到代理确认）/ Publishing lag: event committed to broker confirm");
        consumed = meter.CreateCounter<long>(MessagesConsumed, "{message}",
            "消费的消息（失败带 error.type）/ Messages consumed, by consumer queue and type; failed ones carry error.type");
        processDuration = meter.CreateHistogram<double>(ProcessDuration, "s", "消息处理耗时 / Time to process a consumed message");
        foreach (var counter in counters)
        {
            eventCounters.GetOrAdd(counter.Instrument, name => meter.CreateCounter<long>(name, counter.Unit));
        }
        opsActions = meter.CreateCounter<long>(OpsActions, "{action}", "运维操作 / Operator actions (retry, discard, rebuild)");
        groupCommitSize = meter.CreateHistogram<int>(GroupCommitSize, "{message}",
            "组提交的消息数（每个事务）/ Messages committed in one group-commit transaction; outcome split: the group failed and each was applied alone",
            tags: null, advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32] });
        meter.CreateObservableGauge(ProjectionLag, () => sampled.Current.Shards.Select(s =>
                new Measurement<double>(s.LagSeconds, serviceTag, new("projection", s.Name), new("kind", s.Kind))), "s",
            "投影/订阅落后时间 / How far an async projection or subscription is behind the store's high-water mark, seconds");
        meter.CreateObservableGauge(ProjectionBehind, () => sampled.Current.Shards.Select(s =>
                new Measurement<long>(s.Behind, serviceTag, new("projection", s.Name), new("kind", s.Kind))), "{event}",
            "投影/订阅落后事件数 / Events an async projection or subscription has still to process");
        meter.CreateObservableGauge(QueueMessages, () => sampled.Current.Queues.Select(q =>
                new Measurement<long>(q.Messages, serviceTag, new("messaging.destination.name", q.Queue), new("kind", q.Kind))),
            "{message}", "队列中等待的消息（含错误队列）/ Messages waiting in the service's queue and its error queue");
    }

    public string Service { get; }

    public void Command(string command, string outcome) =>
        commands.Add(1, serviceTag, new("command", command), new("outcome", outcome));

    public void Appended(string eventType) => eventsAppended.Add(1, serviceTag, new("event_type", eventType));

    public void Published(string messageType, TimeSpan lag)
    {
        sent.Add(1, serviceTag, new("messaging.system", "rabbitmq"), new("messaging.operation.name", "publish"),
            new("messaging.message.type", messageType));
        publishingLag.Record(Math.Max(0, lag.TotalSeconds), serviceTag, new("messaging.message.type", messageType));
    }

    public void Consumed(string queue, string messageType, TimeSpan took, string? errorType)
    {
        var tags = new TagList
        {
            serviceTag, { "messaging.system", "rabbitmq" }, { "messaging.operation.name", "process" },
            { "messaging.destination.name", queue }, { "messaging.message.type", messageType },
        };
        if (errorType is not null)
        {
            tags.Add("error.type", errorType);
        }
        consumed.Add(1, tags);
        processDuration.Record(took.TotalSeconds, tags);
    }

    /// <summary>A domain counter fed by an event type (<see cref="EventCounterExtensions.CountEvents{T}"/>).</summary>
    public void CountEvent(string instrument, string unit, string tagName, string tagValue) =>
        eventCounters.GetOrAdd(instrument, name => meter.CreateCounter<long>(name, unit))
            .Add(1, serviceTag, new(tagName, tagValue));

    public void OpsAction(string action) => opsActions.Add(1, serviceTag, new("action", action));

    /// <summary>
    /// A group commit's transaction (<see cref="Messaging.GroupCommit"/>): how many messages it held, and whether it
    /// committed or failed and was split into one transaction a message (each of those is recorded too).
    /// </summary>
    public void GroupCommitted(int size, bool split) =>
        groupCommitSize.Record(size, serviceTag, new("outcome", split ? "split" : "committed"));

    public void Dispose() => meter.Dispose();
}
