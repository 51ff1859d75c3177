using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Runtime.CompilerServices;
using JiaoLianTi.Platform.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace JiaoLianTi.Platform.Capacity;

/// <summary>
/// 容量上限 / Capacity: past what a process can do at once, it says so at once instead of queueing until its callers
/// time out. At most <c>Capacity:Concurrency</c> requests run together in the process (fewer while those let in take
/// longer than <c>Capacity:TargetSeconds</c> on average, see <see cref="CapacityGate"/>); up to <c>Capacity:QueueLimit</c>
/// more wait, oldest first, each at most <c>Capacity:QueueSeconds</c>; anything beyond is answered at once with 503,
/// <c>Retry-After</c> and a ProblemDetails in Chinese and English. Nothing was done, so the caller may retry as it is
/// (a change retried with the same If-Match gets 412 if an earlier try did go through). <c>/health</c> and
/// <c>/alive</c> are never limited: an orchestrator must see a busy process as alive. The gateway and every service
/// use this, each with defaults of its own (docs/operations.md: sizing).
/// </summary>
public static class CapacityLimit
{
    /// <summary>What a 503 for capacity asks the caller to wait.</summary>
    public const int RetryAfterSeconds = 1;

    /// <param name="service">The process's short name (<c>alliances</c>, <c>gateway</c>): the <c>service</c> tag of its gauges.</param>
    /// <param name="targetSeconds">
    /// How long a request let in should take at most (<c>Capacity:TargetSeconds</c>); past it the limit shrinks
    /// (<see cref="CapacityGate"/>). 0 keeps it fixed: the gateway's own limit, whose requests include the console's
    /// circuits, open for as long as a tab is.
    /// </param>
    public static WebApplication UseCapacityLimit(this WebApplication app, string service, int concurrency, int queueLimit,
        double queueSeconds, double targetSeconds = 0)
    {
        var section = app.Configuration.GetSection("Capacity");
        var gate = new CapacityGate(
            section.GetValue("Concurrency", concurrency),
            section.GetValue("QueueLimit", queueLimit),
            section.GetValue("QueueSeconds", queueSeconds),
            section.GetValue("TargetSeconds", targetSeconds));
        CapacityGauges.Of(app.Services, service).Add("process", gate);
        app.Use(async (context, next) =>
        {
            if (Unlimited(context.Request.Path))
            {
                await next(context);
                return;
            }
            await gate.Run(context, next);
        });
        return app;
    }

    private static bool Unlimited(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/alive");

    /// <summary>The answer to a request refused for capacity: 503, Retry-After, a ProblemDetails with code capacity.</summary>
    public static ValueTask Busy(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "服务繁忙 / Service busy",
                Detail = $"当前请求过多，未做任何处理，请 {RetryAfterSeconds} 秒后重试 / Too many requests at once: nothing was done; retry after {RetryAfterSeconds} s.",
                Extensions = { ["code"] = "capacity" },
            },
        });
    }
}

/// <summary>
/// One limit of <see cref="CapacityLimit"/>: at most <see cref="Limit"/> requests run together, up to <c>queue</c>
/// more wait (oldest first) at most <c>wait</c> each, the rest are answered 503 at once (<see cref="CapacityLimit.Busy"/>).
/// <para>
/// 自适应 / Adaptive, when given a target time: the queues bound how long a request waits before it runs, not how long
/// it then runs, and when the machine is short of CPU the requests already running can outlast their callers (issue
/// 20: at four times the capacity the commands done took 3.7 s at p50 and 545 callers gave up at 5 s). So the gate
/// watches the requests it let through: each time as many have finished as the limit (at least
/// <see cref="Window"/>) since the limit last changed, their mean time decides. Above the target, and if some request
/// found the limit reached meanwhile, the limit shrinks in proportion (target ÷ mean, at most by half, never below an
/// eighth of <c>permits</c>): requests slow with the gate not full are slow for another reason (a process still
/// warming up after its start took 1 s and more a request at 50 a second), and fewer at once would not help them. Below half the target it
/// grows by an eighth (at least one), up to <c>permits</c>. Only requests let in under the current limit are counted,
/// so one change is judged by its own effect. Fewer running at once finish sooner; the rest are refused quickly.
/// </para>
/// </summary>
public sealed class CapacityGate
{
    /// <summary>The fewest finished requests that judge a limit.</summary>
    public const int Window = 8;

    private readonly Lock sync = new();
    private readonly LinkedList<TaskCompletionSource> waiting = new();
    private readonly int maximum;
    private readonly int minimum;
    private readonly int queueLimit;
    private readonly TimeSpan wait;
    private readonly TimeSpan target;
    private readonly TimeProvider time;
    private int running;
    private int limit;
    private long generation;
    private int finished;
    private TimeSpan spent;
    private bool reached;

    /// <param name="permits">How many run together at most.</param>
    /// <param name="queue">How many more may wait.</param>
    /// <param name="waitSeconds">How long one may wait (at least 0.1 s).</param>
    /// <param name="targetSeconds">The time a request should take once let in; 0 keeps the limit at <paramref name="permits"/>.</param>
    public CapacityGate(int permits, int queue, double waitSeconds, double targetSeconds = 0, TimeProvider? time = null)
    {
        maximum = Math.Max(1, permits);
        minimum = Math.Max(1, maximum / 8);
        limit = maximum;
        queueLimit = Math.Max(0, queue);
        wait = TimeSpan.FromSeconds(Math.Max(0.1, waitSeconds));
        target = TimeSpan.FromSeconds(Math.Max(0, targetSeconds));
        this.time = time ?? TimeProvider.System;
    }

    /// <summary>How many may run together now.</summary>
    public int Limit => Volatile.Read(ref limit);

    /// <summary>How many run now.</summary>
    public int Running => Volatile.Read(ref running);

    /// <summary>Whether as many run now as the limit allows (a snapshot).</summary>
    public bool Full => Running >= Limit;

    /// <summary>Runs <paramref name="next"/> within the limit, or answers 503 (or nothing, if the caller left).</summary>
    /// <param name="refuseOnEntry">
    /// Asked once a place is taken: true refuses the request there after all (503, as if the gate were full); its place
    /// is given back without judging the limit. The gateway's deadline before forwarding (ServiceBulkhead).
    /// </param>
    public async Task Run(HttpContext context, RequestDelegate next, Func<HttpContext, bool>? refuseOnEntry = null)
    {
        if (await EnterAsync(context.RequestAborted) is not { } admitted)
        {
            if (!context.RequestAborted.IsCancellationRequested)
            {
                await CapacityLimit.Busy(context);
            }
            return;
        }
        if (refuseOnEntry?.Invoke(context) == true)
        {
            Leave(admitted, ran: null);
            await CapacityLimit.Busy(context);
            return;
        }
        var begun = time.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            Leave(admitted, time.GetElapsedTime(begun));
        }
    }

    /// <summary>
    /// Takes a place: the generation of the limit it was let in under, or null when it was refused (the queue full, its
    /// wait over, or its caller gone). A place taken is given back with <see cref="Leave"/>.
    /// </summary>
    public async ValueTask<long?> EnterAsync(CancellationToken aborted)
    {
        LinkedListNode<TaskCompletionSource> place;
        lock (sync)
        {
            // Oldest first: nobody passes those waiting.
            if (running < limit && waiting.Count == 0)
            {
                running++;
                return generation;
            }
            // The limit was reached: only then can it be what makes requests slow.
            reached = true;
            if (waiting.Count >= queueLimit)
            {
                return null;
            }
            place = waiting.AddLast(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }
        try
        {
            await place.Value.Task.WaitAsync(wait, time, aborted);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            lock (sync)
            {
                if (place.List is not null)
                {
                    waiting.Remove(place);
                    return null;
                }
            }
            // Let in as its wait ended: the place is taken, so it runs.
        }
        lock (sync)
        {
            return generation;
        }
    }

    /// <summary>
    /// Gives a place back, with how long its request ran (null: it was not run after all, and says nothing of the
    /// limit), and lets the oldest waiting in.
    /// </summary>
    public void Leave(long admitted, TimeSpan? ran)
    {
        lock (sync)
        {
            running--;
            if (target > TimeSpan.Zero && admitted == generation && ran is { } time)
            {
                Judge(time);
            }
            while (running < limit && waiting.First is { } first)
            {
                waiting.RemoveFirst();
                running++;
                first.Value.SetResult();
            }
        }
    }

    private void Judge(TimeSpan ran)
    {
        finished++;
        spent += ran;
        if (finished < Math.Max(Window, limit))
        {
            return;
        }
        var mean = spent / finished;
        var changed = limit;
        if (mean > target && reached)
        {
            changed = Math.Max(minimum, (int)(limit * Math.Max(0.5, target / mean)));
        }
        else if (mean < target / 2)
        {
            changed = Math.Min(maximum, limit + Math.Max(1, limit / 8));
        }
        finished = 0;
        spent = TimeSpan.Zero;
        reached = false;
        if (changed != limit)
        {
            limit = changed;
            generation++;
        }
    }
}

/// <summary>
/// 容量指标 / What the gates of one process allow and run now, as two gauges of meter <c>JiaoLianTi.Capacity</c>:
/// <c>jlt.capacity.limit</c> and <c>jlt.capacity.running</c>, tagged <c>service</c>, as the other instruments of
/// docs/operations.md are, and <c>gate</c>: <c>process</c>, or at the gateway <c>service:alliances</c> for its share of a
/// service. A share is kept for each instance the service's address resolves to: its gauges give the smallest limit
/// among them and the requests running to all of them, so the tags stay few as pods come and go. A limit below its
/// configured value says the requests let in were taking longer than their target.
/// </summary>
public sealed class CapacityGauges
{
    public const string MeterName = "JiaoLianTi.Capacity";
    public const string LimitInstrument = "jlt.capacity.limit";
    public const string RunningInstrument = "jlt.capacity.running";
    public const string ForwardWaitInstrument = "jlt.capacity.forward_wait";

    private static readonly ConditionalWeakTable<IServiceProvider, CapacityGauges> ByProcess = [];
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<CapacityGate, bool>> gates = new();
    private readonly KeyValuePair<string, object?> service;
    private readonly Histogram<double> forwardWait;

    private CapacityGauges(IMeterFactory meters, string service)
    {
        this.service = new("service", service);
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge(LimitInstrument, () => Measure(g => g.Min(gate => gate.Limit)), "{request}",
            "容量上限当前允许同时处理的请求 / Requests a capacity gate lets run together now");
        meter.CreateObservableGauge(RunningInstrument, () => Measure(g => g.Sum(gate => gate.Running)), "{request}",
            "容量上限内正在处理的请求 / Requests running within a capacity gate");
        forwardWait = meter.CreateHistogram(ForwardWaitInstrument, "s",
            "请求从到达网关到转发给服务（或因超时被拒）所用的时间 / Time from a request's arrival at the gateway to its forwarding to a service (or its refusal for having waited too long)",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5] });
    }

    /// <summary>
    /// A request at the gateway reached the point of forwarding to <paramref name="gate"/> (<c>service:alliances</c>)
    /// after <paramref name="waited"/>; <paramref name="refused"/>: it was answered 503 there instead.
    /// </summary>
    public void ForwardWaited(string gate, TimeSpan waited, bool refused) =>
        forwardWait.Record(waited.TotalSeconds, service, new("gate", gate), new("refused", refused));

    /// <summary>The gauges of the process whose services these are (named by the first to ask).</summary>
    public static CapacityGauges Of(IServiceProvider services, string service) =>
        ByProcess.GetValue(services, s => new CapacityGauges(s.GetRequiredService<IMeterFactory>(), service));

    /// <summary>Adds a gate to those of <paramref name="name"/> (one for each instance of a service).</summary>
    public void Add(string name, CapacityGate gate) => gates.GetOrAdd(name, _ => new())[gate] = true;

    /// <summary>Takes a gate out of those of <paramref name="name"/> (its instance is gone).</summary>
    public void Remove(string name, CapacityGate gate)
    {
        if (gates.TryGetValue(name, out var of))
        {
            of.TryRemove(gate, out _);
        }
    }

    private IEnumerable<Measurement<int>> Measure(Func<IEnumerable<CapacityGate>, int> value) =>
        gates.Select(g => (g.Key, Gates: g.Value.Keys.ToList()))
            .Where(g => g.Gates.Count > 0)
            .Select(g => new Measurement<int>(value(g.Gates), service, new KeyValuePair<string, object?>("gate", g.Key)));
}

/// <summary>
/// 分服务份额 / The gateway's shares of the services: a gate for each instance a service's address resolves to, made
/// when the first request goes to it and counted in the gauges as <c>service:&lt;name&gt;</c>. Instances come and go
/// with the pods: each time a gate is made for a new one, the gates of the same service's instances that are no longer
/// among its destinations and have nothing running are forgotten (and leave the gauges), so the shares kept follow the
/// instances there are, not every instance there ever was.
/// </summary>
public sealed class CapacityShares(CapacityGauges gauges, Func<CapacityGate> make)
{
    private readonly ConcurrentDictionary<(string Service, string Instance), CapacityGate> gates = new();

    /// <summary>How many gates are kept.</summary>
    public int Count => gates.Count;

    /// <summary>
    /// The gate of <paramref name="instance"/> of <paramref name="service"/>, whose instances are now
    /// <paramref name="instances"/>.
    /// </summary>
    public CapacityGate For(string service, string instance, IEnumerable<string> instances)
    {
        if (gates.TryGetValue((service, instance), out var gate))
        {
            return gate;
        }
        var made = make();
        gate = gates.GetOrAdd((service, instance), made);
        if (!ReferenceEquals(gate, made))
        {
            return gate; // another request made it first: the one not kept is never counted
        }
        gauges.Add(Name(service), made);
        var current = instances.ToHashSet(StringComparer.Ordinal);
        foreach (var (key, old) in gates)
        {
            if (key.Service == service && !current.Contains(key.Instance) && old.Running == 0
                && gates.TryRemove(new KeyValuePair<(string, string), CapacityGate>(key, old)))
            {
                gauges.Remove(Name(service), old);
            }
        }
        return made;
    }

    /// <summary>The <c>gate</c> tag of a service's shares: <c>service:alliances</c>.</summary>
    public static string Name(string service) => $"service:{service}";
}
