using System.Diagnostics;
using JiaoLianTi.Platform.Capacity;
using Yarp.ReverseProxy.Model;

namespace JiaoLianTi.Gateway;

/// <summary>
/// 分服务限流 / One service's share of the gateway: at most <c>Capacity:PerService:Concurrency</c> requests (default 128)
/// are forwarded at once to one instance of a service (a destination, after load balancing); up to
/// <c>Capacity:PerService:QueueLimit</c> more wait at most <c>Capacity:PerService:QueueSeconds</c> (0.25 s), the rest
/// are answered 503 with Retry-After, as every capacity refusal is (<see cref="CapacityLimit"/>). When the requests it
/// forwarded take longer than <c>Capacity:PerService:TargetSeconds</c> (1 s) on average while its share is full, it
/// forwards fewer at once, down to an eighth (<see cref="CapacityGate"/>): past its capacity a service's answers then
/// stay well within a caller's patience, and the rest are refused at once.
/// <para>
/// Without it the gateway let up to its own limit (512) through to a service that runs 64 at once: past its capacity
/// the service could not even accept the connections fast enough, and they waited in the kernel's accept queue, where
/// no deadline of ours runs, until the caller gave up (docs/deploy.md, Capacity). With at most 128 in flight, the
/// gateway's connections to an instance stay few and are reused, the service's own queue holds at most 64, and the
/// wait past that happens here, where it is timed. The console is not limited here (a Blazor circuit holds its
/// request for as long as the tab is open).
/// </para>
/// <para>
/// 转发时限 / A deadline before forwarding: a request that has been in the gateway longer than
/// <c>Capacity:PerService:ForwardWithinSeconds</c> (1 s) when its turn to be forwarded comes, while the service's share
/// is full, is answered 503 with Retry-After there instead, and nothing reaches the service. The queues above bound the
/// waits for a place, not the time a request spends waiting for a CPU on its way through. Forwarded that late, a
/// command costs the service its whole work for an answer its caller may no longer wait for. The time from arrival to
/// forwarding is recorded for every request (<c>jlt.capacity.forward_wait</c>): at four times the capacity on a
/// starved machine it stayed at p95 0.5-1.1 s, while the service itself took 2.7-3.5 s at the onset of each burst
/// (waiting for new database sessions, which the event stores' warm connections now spare them:
/// EventStoreExtensions.WithWarmConnections), so this bounds the smaller part (docs/deploy.md, Capacity). With the share not full a late request is forwarded still:
/// slowness without a queue (a process just started) is not overload. 0 turns the deadline off.
/// </para>
/// </summary>
public static class ServiceBulkhead
{
    public static IReverseProxyApplicationBuilder UseServiceBulkhead(this IReverseProxyApplicationBuilder proxy)
    {
        var section = proxy.ApplicationServices.GetRequiredService<IConfiguration>().GetSection("Capacity:PerService");
        var concurrency = section.GetValue("Concurrency", 128);
        var queueLimit = section.GetValue("QueueLimit", 1024);
        var queueSeconds = section.GetValue("QueueSeconds", 0.25);
        var targetSeconds = section.GetValue("TargetSeconds", 1.0);
        var forwardWithin = TimeSpan.FromSeconds(Math.Max(0, section.GetValue("ForwardWithinSeconds", 1.0)));
        var gauges = CapacityGauges.Of(proxy.ApplicationServices, "gateway");
        var shares = new CapacityShares(gauges, () => new CapacityGate(concurrency, queueLimit, queueSeconds, targetSeconds));
        proxy.Use(async (context, next) =>
        {
            var feature = context.GetReverseProxyFeature();
            var cluster = feature.Cluster.Config.ClusterId;
            // After load balancing one destination is left; with none the forwarder answers 503 itself.
            if (cluster == ProxyRoutes.Console || feature.AvailableDestinations is not [var destination])
            {
                await next();
                return;
            }
            var gate = shares.For(cluster, destination.DestinationId, feature.AllDestinations.Select(d => d.DestinationId));
            await gate.Run(context, _ => next(), late =>
            {
                var waited = late.Features.Get<Arrival>() is { } arrival ? Stopwatch.GetElapsedTime(arrival.At) : TimeSpan.Zero;
                var refused = forwardWithin > TimeSpan.Zero && waited > forwardWithin && gate.Full;
                gauges.ForwardWaited(CapacityShares.Name(cluster), waited, refused);
                return refused;
            });
        });
        return proxy;
    }

    /// <summary>
    /// Stamps each request with the moment it reached the gateway's pipeline, for the deadline before forwarding: the
    /// first step of the pipeline.
    /// </summary>
    public static WebApplication UseArrivalStamp(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            context.Features.Set(new Arrival(Stopwatch.GetTimestamp()));
            return next(context);
        });
        return app;
    }

    private sealed record Arrival(long At);
}
