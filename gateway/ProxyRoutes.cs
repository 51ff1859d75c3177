using Yarp.ReverseProxy.Configuration;

namespace JiaoLianTi.Gateway;

/// <summary>
/// <c>/api/{service}/**</c> goes, path unchanged, to the service of that name, found by service discovery
/// (<c>http://alliances</c> ...). Every route needs a signed-in caller and counts against the caller's rate limit, but
/// for the OpenAPI documents, which are public.
/// </summary>
public static class ProxyRoutes
{
    public static readonly string[] Services = ["alliances", "activities", "parentschool", "campussafety", "wellbeing"];

    public static IReadOnlyList<RouteConfig> Routes() =>
    [
        .. Services.Select(s => new RouteConfig
        {
            RouteId = $"{s}-openapi",
            ClusterId = s,
            Order = -1,
            AuthorizationPolicy = GatewayComposition.AnonymousPolicy,
            Match = new RouteMatch { Path = $"/api/{s}/openapi/{{**rest}}" },
        }),
        .. Services.Select(s => new RouteConfig
        {
            RouteId = s,
            ClusterId = s,
            RateLimiterPolicy = GatewayComposition.PerClientPolicy,
            Match = new RouteMatch { Path = $"/api/{s}/{{**rest}}" },
        }),
    ];

    public static IReadOnlyList<ClusterConfig> Clusters() =>
    [
        .. Services.Select(s => new ClusterConfig
        {
            ClusterId = s,
            Destinations = new Dictionary<string, DestinationConfig> { ["d1"] = new() { Address = $"http://{s}" } },
        }),
    ];
}
