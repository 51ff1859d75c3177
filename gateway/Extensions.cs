using System.Security.Claims;
using System.Threading.RateLimiting;
using JiaoLianTi.Platform;
using JiaoLianTi.Platform.Capacity;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace JiaoLianTi.Gateway;

/// <summary>
/// The one public door: <c>/api/{service}/...</c> to the five services (YARP, addresses by service discovery), the
/// same JWT validation as every service, a rate limit per client, the services' OpenAPI documents, and in
/// Development the token issuer.
/// </summary>
public static class GatewayComposition
{
    public const string PerClientPolicy = "per-client";
    /// <summary>YARP's reserved policy name: the route allows anonymous callers.</summary>
    public const string AnonymousPolicy = "anonymous";

    public static IHostApplicationBuilder AddGateway(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemMapping();
        builder.Services.AddJsonConventions();
        // No body larger than the largest a service takes (RequestLimits.DefaultMaxUploadBytes) is even forwarded.
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(
            o => o.Limits.MaxRequestBodySize = RequestLimits.DefaultMaxUploadBytes);
        builder.AddJiaoLianTiIdentity();
        builder.Services.AddHttpClient("openapi"); // the services' documents, for the combined one (ApiDocuments)
        builder.Services.AddReverseProxy()
            .LoadFromMemory(ProxyRoutes.Routes(), ProxyRoutes.Clusters())
            .AddServiceDiscoveryDestinationResolver();
        builder.Services.AddRateLimiter(options =>
        {
            // The limits are per client across the whole gateway. Each replica keeps its own buckets in memory, so
            // with RateLimit:GatewayReplicas = N (the AppHost and deploy/ set it) each enforces 1/N of them: with
            // requests spread evenly the client gets the configured limit in all (docs/deploy.md).
            var limits = builder.Configuration.GetSection("RateLimit");
            var replicas = Math.Max(1, limits.GetValue("GatewayReplicas", 1));
            var tokens = Math.Max(1, limits.GetValue("TokensPerClient", 200) / replicas);
            var perSecond = Math.Max(1, limits.GetValue("ReplenishPerSecond", 100) / replicas);
            options.AddPolicy(PerClientPolicy, http => RateLimitPartition.GetTokenBucketLimiter(
                ClientKey(http),
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = tokens,
                    TokensPerPeriod = perSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = tokens,
                    QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                    AutoReplenishment = true,
                }));
            options.OnRejected = async (context, ct) =>
            {
                context.HttpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.HttpContext.Response.Headers.RetryAfter = "1";
                await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(
                    new ProblemDetailsContext
                    {
                        HttpContext = context.HttpContext,
                        ProblemDetails = new ProblemDetails
                        {
                            Status = 429, Title = "请求过于频繁 / Too many requests",
                            Detail = "Slow down and retry after the Retry-After interval.",
                        },
                    });
            };
        });
        return builder;
    }

    /// <summary>A signed-in client is limited by its subject; an anonymous one by its address.</summary>
    private static string ClientKey(HttpContext http) =>
        http.User.FindFirstValue(ClaimNames.Subject) is { } subject
            ? $"sub:{subject}"
            : $"ip:{http.Connection.RemoteIpAddress}";

    public static WebApplication UseGateway(this WebApplication app)
    {
        // First: the moment a request arrived, for the deadline before it is forwarded (ServiceBulkhead.cs).
        app.UseArrivalStamp();
        app.UseProblemMapping();
        // Past its capacity the gateway answers 503 at once (Platform Capacity/CapacityLimit.cs); one client past its
        // own share gets 429 from the per-client limit below, and a service past its share of the gateway 503
        // (ServiceBulkhead.cs). A request waits at most a quarter of a second here, because the waits add up: with 2 s
        // here and 2 s in the service, the commands done at four times the capacity had waited 4.1 s (p50), close to a
        // caller's patience (docs/deploy.md).
        app.UseCapacityLimit("gateway", concurrency: 512, queueLimit: 2048, queueSeconds: 0.25);
        app.UseSecurityHeaders();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }

    public static WebApplication MapGateway(this WebApplication app)
    {
        app.MapReverseProxy(proxy =>
        {
            // YARP's own steps in its default order, with each service's share of the gateway after load balancing.
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UseServiceBulkhead();
            proxy.UsePassiveHealthChecks();
        });
        app.MapApiDocuments();
        app.MapEventCatalogue();
        // A browser goes to the 工作台 console; a program gets the directory of the APIs.
        app.MapGet("/", (HttpContext http) => http.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.Ordinal)
            ? Results.Redirect("/console/")
            : Results.Ok(new
            {
                name = "JiaoLianTi 教联体 gateway",
                console = "/console/",
                services = ProxyRoutes.Services.Select(s => new { service = s, api = $"/api/{s}", openApi = $"/api/{s}/openapi/v1.json" }),
                openApi = ApiDocuments.CombinedPath,
                reference = ApiDocuments.ReferencePath,
                events = EventCatalogueDocument.Path,
                devToken = app.Environment.IsDevelopment() ? "POST /dev/token {\"role\":\"CountyAdmin\",\"region\":\"510104\"}" : null,
            })).AllowAnonymous();

        // Browsers ask every site for its icon; there is none, and the question needs no token.
        app.MapGet("/favicon.ico", () => Results.NoContent()).AllowAnonymous().ExcludeFromDescription();

        if (app.Environment.IsDevelopment())
        {
            // The development token issuer. It does not exist outside Development.
            app.MapPost("/dev/token", MintDevToken).AllowAnonymous()
                .WithSummary("开发环境令牌 / Mint a development token for a role and region");
        }
        return app;
    }

    private static Ok<DevToken> MintDevToken(DevTokenRequest request, IConfiguration configuration)
    {
        new Validation()
            .Required("role", request.Role)
            .Check(Regions.IsRegionPrefix(request.Region ?? "") || (request.Role == Role.EventRelay && request.Region is null), "region",
                "须为 2、4 或 6 位行政区划代码 / must be a 2, 4 or 6 digit division code")
            .Check(!Regions.IsRegionPrefix(request.Region ?? "") || DivisionCodes.Exists(request.Region), "region",
                "没有这个行政区划 / no division has this code")
            .Check(request.Role != Role.DepartmentOfficer || request.Department is not null, "department",
                "部门工作人员须注明部门 / a department officer needs their department")
            .Check(request.Role is not { } role || !TokenClaims.NeedsSchool(role) || request.SchoolId is not null, "schoolId",
                "学校工作人员须注明学校 / school staff need their school")
            .Check(request.Role != Role.MemberOfficer || request.MemberUnitId is not null, "memberUnitId",
                "成员单位工作人员须注明单位 / a member unit's officer needs their unit")
            .ThrowIfInvalid();
        var claims = new TokenRequest(request.Role!.Value, request.Region ?? "", request.SchoolId, request.MemberUnitId,
            request.Subject, request.Name, request.Children, request.Department);
        return TypedResults.Ok(new DevToken(DevTokens.Mint(configuration, claims), "Bearer", claims));
    }

    /// <summary>The body of <c>POST /dev/token</c>.</summary>
    public sealed record DevTokenRequest(
        Role? Role, string? Region, Guid? SchoolId, Guid? MemberUnitId, string? Subject, string? Name,
        IReadOnlyList<Guid>? Children, Department? Department = null);

    public sealed record DevToken(string AccessToken, string TokenType, TokenRequest Claims);
}
