using System.Collections.Concurrent;
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
        var gauges = CapacityGauges.Of(proxy.ApplicationServices, "gateway");
        var gates = new ConcurrentDictionary<(string Cluster, string Destination), CapacityGate>();
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
            var gate = gates.GetOrAdd((cluster, destination.DestinationId), key =>
            {
                var added = new CapacityGate(concurrency, queueLimit, queueSeconds, targetSeconds);
                gauges.Add($"service:{key.Cluster}", added);
                return added;
            });
            await gate.Run(context, _ => next());
        });
        return proxy;
    }
}
