using Yarp.ReverseProxy.Configuration;

namespace JiaoLianTi.Gateway;

/// <summary>
/// <c>/api/{service}/**</c> goes, path unchanged, to the service of that name, found by service discovery
/// (<c>http://alliances</c> ...). Every route needs a signed-in caller and counts against the caller's rate limit, but
/// for the OpenAPI documents, which are public. <c>/console/**</c> and <c>/parent/**</c> (家长端) go to the 工作台 console (it signs people in
/// itself and calls back through <c>/api</c> with their token), unlimited: a page load is many requests.
/// </summary>
public static class ProxyRoutes
{
    public static readonly string[] Services = ["alliances", "activities", "parentschool", "campussafety", "wellbeing"];

    /// <summary>订阅 Subscriptions (docs/subscriptions.md): routed like the five, its OpenAPI document served on its own.</summary>
    public const string Subscriptions = "subscriptions";

    /// <summary>Every service behind <c>/api/{service}</c>: the five and subscriptions (the combined OpenAPI document's too).</summary>
    public static readonly string[] Routed = [.. Services, Subscriptions];

    public const string Console = "console";

    public static IReadOnlyList<RouteConfig> Routes() =>
    [
        new RouteConfig
        {
            RouteId = Console,
            ClusterId = Console,
            AuthorizationPolicy = GatewayComposition.AnonymousPolicy,
            Match = new RouteMatch { Path = "/console/{**rest}" },
        },
        // 家长端 Parents' pages (docs/parent.md): static pages of the same console app, path unchanged.
        new RouteConfig
        {
            RouteId = "parent",
            ClusterId = Console,
            AuthorizationPolicy = GatewayComposition.AnonymousPolicy,
            Match = new RouteMatch { Path = "/parent/{**rest}" },
        },
        .. Routed.Select(s => new RouteConfig
        {
            RouteId = $"{s}-openapi",
            ClusterId = s,
            Order = -1,
            AuthorizationPolicy = GatewayComposition.AnonymousPolicy,
            Match = new RouteMatch { Path = $"/api/{s}/openapi/{{**rest}}" },
        }),
        .. Routed.Select(s => new RouteConfig
        {
            RouteId = s,
            ClusterId = s,
            RateLimiterPolicy = GatewayComposition.PerClientPolicy,
            Match = new RouteMatch { Path = $"/api/{s}/{{**rest}}" },
        }),
    ];

    public static IReadOnlyList<ClusterConfig> Clusters() =>
    [
        new ClusterConfig
        {
            ClusterId = Console,
            // Blazor Server keeps a circuit per browser tab: with several console replicas, a tab must stay on one.
            SessionAffinity = new SessionAffinityConfig { Enabled = true, AffinityKeyName = ".jlt.console.affinity" },
            Destinations = new Dictionary<string, DestinationConfig> { ["d1"] = new() { Address = $"http://{Console}" } },
        },
        .. Routed.Select(s => new ClusterConfig
        {
            ClusterId = s,
            Destinations = new Dictionary<string, DestinationConfig> { ["d1"] = new() { Address = $"http://{s}" } },
        }),
    ];
}
