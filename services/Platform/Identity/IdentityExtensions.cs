using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Tokens;

namespace JiaoLianTi.Platform.Identity;

/// <summary>
/// JWT bearer validation, the same at the gateway and in every service. In production <c>Auth:Authority</c> names
/// the province's OIDC provider. In Development, with no authority, tokens are signed by the development issuer
/// (<see cref="DevTokens"/>); outside Development that issuer does not exist.
/// </summary>
public static class IdentityExtensions
{
    public static IServiceCollection AddJiaoLianTiIdentity(this IHostApplicationBuilder builder)
    {
        var auth = builder.Configuration.GetSection("Auth");
        var authority = auth["Authority"];
        var audience = auth["Audience"] ?? DevTokens.Audience;
        if (string.IsNullOrEmpty(authority) && !builder.Environment.IsDevelopment())
        {
            throw new InvalidOperationException(
                "Auth:Authority is not set. Outside Development every token must come from the configured OIDC issuer.");
        }

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.MapInboundClaims = false;
            // The same checks, and a token found valid answered from memory until its expiry (ValidatedTokenCache).
            options.TokenHandlers.Clear();
            options.TokenHandlers.Add(new ValidatedTokenCache());
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidateAudience = true,
                ValidAudience = audience,
                NameClaimType = ClaimNames.Subject,
                RoleClaimType = ClaimNames.Role,
                ClockSkew = TimeSpan.FromSeconds(30),
            };
            options.Events = new JwtBearerEvents
            {
                OnTokenValidated = async context =>
                {
                    if (TokenClaims.Problem(context.Principal!) is { } problem)
                    {
                        context.Fail(problem);
                        return;
                    }
                    // Where the service knows schools: the token's school lies inside its region.
                    if (context.HttpContext.RequestServices.GetService<SchoolInRegion>() is { } schools
                        && await schools.ProblemAsync(context.Principal!, context.HttpContext.RequestServices,
                            context.HttpContext.RequestAborted) is { } outside)
                    {
                        context.Fail(outside);
                    }
                },
            };
            if (string.IsNullOrEmpty(authority))
            {
                options.RequireHttpsMetadata = false;
                options.TokenValidationParameters.ValidIssuer = DevTokens.Issuer;
                options.TokenValidationParameters.IssuerSigningKey = DevTokens.SigningKey(builder.Configuration);
            }
            else
            {
                options.Authority = authority;
                // Only a test's own provider on loopback is reached over plain HTTP; production keeps HTTPS.
                options.RequireHttpsMetadata = auth.GetValue("RequireHttpsMetadata", true);
            }
        });
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder()
                .RequireAuthenticatedUser().Build());
        builder.Services.AddHttpContextAccessor();
        return builder.Services;
    }

    /// <summary>The caller of the current request (401 is already answered by the fallback policy).</summary>
    public static Caller Caller(this HttpContext context) => Identity.Caller.From(context.User);
}
