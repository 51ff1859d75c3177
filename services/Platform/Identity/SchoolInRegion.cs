using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;

namespace JiaoLianTi.Platform.Identity;

/// <summary>Where a service learns a school's county: the Alliances replica (<c>AlliancesReplica.ReplicaSchoolCounty</c>)
/// or, in Alliances, its own registry.</summary>
public interface ISchoolCounty
{
    /// <summary>The county code of the school, or null while the school is not known here.</summary>
    Task<string?> CountyOfAsync(Guid schoolId, CancellationToken ct);
}

/// <summary>
/// A token that names a school must name a region the school lies in: a school admin of a 锦江区 school with a token of
/// 青羊区 is refused like a token that lacks a claim (401), in every service that knows schools, as the token is
/// validated (<see cref="IdentityExtensions"/>). A school not (yet) known to the service cannot be checked and passes;
/// the decisions that use the school then find it unknown. Schools do not move between counties, so what is found is
/// kept in memory.
/// </summary>
public sealed class SchoolInRegion
{
    private const int MaxRemembered = 200_000;
    private readonly ConcurrentDictionary<Guid, string> counties = new();

    /// <summary>Why the token's school and region disagree, or null when they do not (or the school is unknown).</summary>
    public async Task<string?> ProblemAsync(ClaimsPrincipal user, IServiceProvider requestServices, CancellationToken ct)
    {
        if (!Guid.TryParse(user.FindFirstValue(ClaimNames.SchoolId), out var school)
            || user.FindFirstValue(ClaimNames.Region) is not { } region)
        {
            return null;
        }
        if (!counties.TryGetValue(school, out var county))
        {
            try
            {
                county = await requestServices.GetRequiredService<ISchoolCounty>().CountyOfAsync(school, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The database is out of reach: the endpoint finds that too and answers 503, not this check 401.
                return null;
            }
            if (county is null)
            {
                return null;
            }
            if (counties.Count < MaxRemembered)
            {
                counties[school] = county;
            }
        }
        return county.StartsWith(region, StringComparison.Ordinal)
            ? null
            : $"The token's school ({school}) lies in {county}, outside its region {region}.";
    }
}

public static class SchoolInRegionExtensions
{
    /// <summary>Refuse tokens whose school lies outside their region, learning counties from <typeparamref name="T"/>.</summary>
    public static IServiceCollection AddSchoolInRegionCheck<T>(this IServiceCollection services) where T : class, ISchoolCounty
    {
        services.AddScoped<ISchoolCounty, T>();
        services.AddSingleton<SchoolInRegion>();
        return services;
    }
}
