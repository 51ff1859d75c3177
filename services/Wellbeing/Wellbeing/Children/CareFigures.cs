using JiaoLianTi.Platform.AlliancesReplica;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.Wellbeing.Children;

/// <summary>How many children of one care category one school has: a number, or "&lt;5" for 1 to 4; and of them, how
/// many are past their follow-up (回访) due date, shown the same way ("0" when none).</summary>
public sealed record SchoolCareCount(Guid SchoolId, string? SchoolName, string CountyCode, CareCategory Category, string Count,
    string OverdueFollowUps = "0");

public sealed record CareFigures(string Region, IReadOnlyList<SchoolCareCount> Schools);

/// <summary>
/// 关爱类别统计: the county (city, province) bureau and the civil affairs department see how many children of each
/// care category each school has, and how many of them are past their follow-up (回访), with no names and no ids of
/// children: figures only, because a care category (留守、困境 …) attached to a child is a minor's personal data. Small
/// counts are suppressed: a count from 1
/// to 4 is shown as "&lt;5" (Platform's <see cref="SmallCounts"/>), so that no child can be singled out.
/// </summary>
public static class CareFiguresApi
{
    public static IEndpointRouteBuilder MapCareFigureEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/wellbeing/figures/care-categories", Figures).WithTags("Figures 统计")
            .WithSummary("各校关爱类别人数（无姓名，少于 5 显示 <5） / Children by care category per school (no names; under 5 shown as <5)");
        return app;
    }

    public static string Suppressed(int count) => SmallCounts.Show(count);

    private static async Task<Ok<CareFigures>> Figures(HttpContext http, IQuerySession session, string? county,
        Microsoft.Extensions.Options.IOptions<WellbeingOptions> options, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        var allowed = caller.IsAdministration || (caller.Role == Role.DepartmentOfficer && caller.Department == Department.CivilAffairs);
        if (!allowed)
        {
            throw new ForbiddenException("关爱类别统计仅供教育行政部门和民政部门 / Care-category figures are for the education bureaus and civil affairs.");
        }
        var region = caller.Region;
        if (!string.IsNullOrEmpty(county))
        {
            new Validation().Check(Regions.IsRegionPrefix(county) && county.StartsWith(caller.Region, StringComparison.Ordinal), "county",
                "须为您区域内的行政区划代码 / must be a division code inside your region").ThrowIfInvalid();
            region = county;
        }
        var rows = await session.Query<Child>()
            .Where(c => !c.Erased && c.CountyCode.StartsWith(region))
            .Select(c => new { c.SchoolId, c.CountyCode, c.Categories })
            .ToListAsync(ct);
        var intervals = options.Value.FollowUpIntervals();
        var now = clock.GetUtcNow();
        var counts = rows
            .SelectMany(r => r.Categories.GroupBy(x => x.Category).Select(entries => (r.SchoolId, r.CountyCode, Category: entries.Key,
                Overdue: entries.Any(x => x.LastFollowUp + intervals[x.Category] < now))))
            .GroupBy(x => (x.SchoolId, x.CountyCode, x.Category))
            .Select(g => (g.Key.SchoolId, g.Key.CountyCode, g.Key.Category, Count: g.Count(), Overdue: g.Count(x => x.Overdue)))
            .ToList();
        var schoolIds = counts.Select(c => c.SchoolId).Distinct().ToArray();
        var names = (await session.LoadManyAsync<KnownUnit>(ct, schoolIds)).ToDictionary(u => u.Id, u => u.Name);
        return TypedResults.Ok(new CareFigures(region, counts
            .OrderBy(c => c.CountyCode, StringComparer.Ordinal).ThenBy(c => c.SchoolId).ThenBy(c => c.Category)
            .Select(c => new SchoolCareCount(c.SchoolId, names.GetValueOrDefault(c.SchoolId), c.CountyCode, c.Category, Suppressed(c.Count),
                c.Overdue == 0 ? "0" : Suppressed(c.Overdue)))
            .ToList()));
    }
}
