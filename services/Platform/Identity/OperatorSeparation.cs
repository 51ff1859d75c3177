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
/// (<see cref="PeriodicCheckStatusApi"/>) admit only operators. A refusal by policy is a ProblemDetails with Chinese
/// and English titles, like every other 403.
/// </summary>
public static class OperatorSeparation
{
    public static IServiceCollection AddOperatorSeparation(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser()
                .RequireAssertion(context => !context.User.HasClaim(ClaimNames.Role, nameof(Role.Operator)))
                .Build())
            .AddPolicy(PeriodicCheckStatusApi.OperatorPolicy, policy => policy.RequireAuthenticatedUser()
                .RequireClaim(ClaimNames.Role, nameof(Role.Operator)));
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
            var operatorOnly = policy.Requirements.OfType<Microsoft.AspNetCore.Authorization.Infrastructure.ClaimsAuthorizationRequirement>()
                .Any(r => r.AllowedValues?.Contains(nameof(Role.Operator)) == true);
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails
                {
                    Status = 403, Title = "无权操作 / Forbidden",
                    Detail = operatorOnly
                        ? "仅运维人员可用 / Only the Operator role may use the operations endpoints."
                        : "运维人员不读业务数据 / The Operator role reads no domain data.",
                },
            });
        }
    }
}
