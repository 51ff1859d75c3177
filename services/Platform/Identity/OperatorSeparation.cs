using JiaoLianTi.Platform.Scheduling;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace JiaoLianTi.Platform.Identity;

/// <summary>
/// The <see cref="Role.Operator"/> runs the system and reads no domain data (docs/design.md 15): in a service, every
/// endpoint that names no policy refuses an operator (403), and the operations endpoints
/// (<see cref="PeriodicCheckStatusApi"/>) admit only operators. The <see cref="Role.EventRelay"/> service account is
/// refused the same way everywhere but the feed of integration events (<see cref="Messaging.IntegrationFeed"/>). A refusal by policy is a ProblemDetails with Chinese
/// and English titles, like every other 403.
/// </summary>
public static class OperatorSeparation
{
    /// <summary>Only the <see cref="Role.EventRelay"/> service account: the feed of integration events.</summary>
    public const string EventRelayPolicy = "event-relay";

    public static IServiceCollection AddOperatorSeparation(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser()
                .RequireAssertion(context => !context.User.HasClaim(ClaimNames.Role, nameof(Role.Operator))
                    && !context.User.HasClaim(ClaimNames.Role, nameof(Role.EventRelay)))
                .Build())
            .AddPolicy(PeriodicCheckStatusApi.OperatorPolicy, policy => policy.RequireAuthenticatedUser()
                .RequireClaim(ClaimNames.Role, nameof(Role.Operator)))
            .AddPolicy(EventRelayPolicy, policy => policy.RequireAuthenticatedUser()
                .RequireClaim(ClaimNames.Role, nameof(Role.EventRelay)));
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ProblemForbidden>();
        return services;
    }

    private sealed class ProblemForbidden : IAuthorizationMiddlewareResultHandler
    {
        private readonly AuthorizationMiddlewareResultHandler standard = new();

        public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult result)
        {
            if (!result.Forbidden)
            {
                await standard.HandleAsync(next, context, policy, result);
                return;
            }
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            var claims = policy.Requirements.OfType<Microsoft.AspNetCore.Authorization.Infrastructure.ClaimsAuthorizationRequirement>().ToArray();
            var operatorOnly = claims.Any(r => r.AllowedValues?.Contains(nameof(Role.Operator)) == true);
            var relayOnly = claims.Any(r => r.AllowedValues?.Contains(nameof(Role.EventRelay)) == true);
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails
                {
                    Status = 403, Title = "无权操作 / Forbidden",
                    Detail = operatorOnly
                        ? "仅运维人员可用 / Only the Operator role may use the operations endpoints."
                        : relayOnly
                            ? "仅事件中继可用 / Only the EventRelay service account may read the integration event feed."
                            : "运维人员与事件中继不读业务数据 / The Operator and EventRelay roles read no domain data.",
                },
            });
        }
    }
}
