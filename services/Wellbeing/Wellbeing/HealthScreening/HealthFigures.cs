using JiaoLianTi.Platform.AlliancesReplica;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Wellbeing.Referrals;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.Wellbeing.HealthScreening;

/// <summary>Myopia in one grade: children screened for vision, suspected myopia, and the rate.</summary>
public sealed record GradeMyopia(int Grade, string VisionScreened, string Myopia, decimal? MyopiaRate);

/// <summary>
/// The figures of one school, one county or the whole region. Counts of children are shown through
/// <see cref="SmallCounts"/> (1 to 4 as "&lt;5"); a rate is null when its numerator is 1 to 4 or its denominator under 5.
/// </summary>
/// <param name="Expected">应筛人数: the children the rounds set out to screen (one per child per round).</param>
/// <param name="Coverage">筛查覆盖率: results / expected.</param>
/// <param name="ReferralsCompleted">Referrals from screening where the hospital has seen the child (seen or returned).</param>
public sealed record HealthFigureRow(
    string CountyCode, Guid? SchoolId, string? SchoolName, int Rounds, int Expected, string Screened, decimal? Coverage,
    string VisionScreened, string Myopia, decimal? MyopiaRate, IReadOnlyList<GradeMyopia> MyopiaByGrade,
    string SpineScreened, string ScoliosisPositive, decimal? ScoliosisRate, string Referred, string ReferralsCompleted);

public sealed record HealthFigures(string Region, DateOnly From, DateOnly To, HealthFigureRow Total, IReadOnlyList<HealthFigureRow> Counties,
    IReadOnlyList<HealthFigureRow> Schools);

/// <summary>
/// 医教互促 figures for the county (city, province) bureau and the health department: per school and per county, over the
/// rounds that started in a period, screening coverage, myopia rate by grade, positive scoliosis screens and referrals
/// completed. No child ids, no names; small cells suppressed.
/// </summary>
public static class HealthFiguresApi
{
    public static IEndpointRouteBuilder MapHealthFigureEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/wellbeing/figures/health-screening", Figures).WithTags("Figures 统计")
            .WithSummary("健康筛查统计：覆盖率、分年级近视率、脊柱侧弯阳性、转介完成（少于 5 显示 <5） / Screening coverage, myopia by grade, scoliosis, referrals completed (under 5 shown as <5)");
        return app;
    }

    private sealed record Row(Guid RoundId, Guid SchoolId, string CountyCode, int Grade, VisionFinding? Vision, SpineFinding? Spine, Guid? ReferralId);

    private static async Task<Ok<HealthFigures>> Figures(HttpContext http, IQuerySession session, string? county, DateOnly? from, DateOnly? to,
        TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        if (!HealthScreeningApi.ReadsFigures(caller))
        {
            throw new ForbiddenException("健康筛查统计仅供教育行政部门和卫健部门 / Health screening figures are for the education bureaus and the health department.");
        }
        var today = ChinaDays.Of(clock.GetUtcNow());
        var (start, end) = (from ?? today.AddYears(-1), to ?? today);
        var region = caller.Region;
        var v = new Validation().Check(start <= end, "from", "须不晚于 to / must not be after to");
        if (!string.IsNullOrEmpty(county))
        {
            v.Check(Regions.IsRegionPrefix(county) && county.StartsWith(caller.Region, StringComparison.Ordinal), "county",
                "须为您区域内的行政区划代码 / must be a division code inside your region");
            region = county;
        }
        v.ThrowIfInvalid();

        var rounds = await session.Query<HealthRound>()
            .Where(r => r.CountyCode.StartsWith(region) && r.StartsOn >= start && r.StartsOn <= end)
            .Select(r => new { r.Id, r.SchoolId, r.CountyCode, r.Expected }).ToListAsync(ct);
        var roundIds = rounds.Select(r => r.Id).ToArray();
        var results = new List<Row>();
        foreach (var chunk in roundIds.Chunk(500))
        {
            results.AddRange((await session.Query<HealthResult>().Where(r => chunk.Contains(r.RoundId))
                .Select(r => new { r.RoundId, r.SchoolId, r.CountyCode, r.Grade, r.Vision, r.Spine, r.ReferralId }).ToListAsync(ct))
                .Select(r => new Row(r.RoundId, r.SchoolId, r.CountyCode, r.Grade, r.Vision, r.Spine, r.ReferralId)));
        }
        var completed = new HashSet<Guid>();
        foreach (var chunk in results.Where(r => r.ReferralId is not null).Select(r => r.ReferralId!.Value).Chunk(1000))
        {
            completed.UnionWith((await session.LoadManyAsync<Referral>(ct, chunk))
                .Where(r => r.Status is ReferralStatus.Seen or ReferralStatus.Returned).Select(r => r.Id));
        }

        HealthFigureRow Figure(string countyCode, Guid? schoolId, string? name, IReadOnlyCollection<int> expected, IReadOnlyCollection<Row> rows)
        {
            var vision = rows.Where(r => r.Vision is not null).ToArray();
            var myopia = vision.Count(r => r.Vision == VisionFinding.MyopiaSuspected);
            var spine = rows.Where(r => r.Spine is not null).ToArray();
            var positive = spine.Count(r => r.Spine == SpineFinding.Positive);
            var referred = rows.Where(r => r.ReferralId is not null).ToArray();
            return new HealthFigureRow(countyCode, schoolId, name, expected.Count, expected.Sum(), SmallCounts.Show(rows.Count),
                Rate(rows.Count, expected.Sum()), SmallCounts.Show(vision.Length), SmallCounts.Show(myopia), Rate(myopia, vision.Length),
                vision.GroupBy(r => r.Grade).OrderBy(g => g.Key).Select(g =>
                {
                    var m = g.Count(r => r.Vision == VisionFinding.MyopiaSuspected);
                    return new GradeMyopia(g.Key, SmallCounts.Show(g.Count()), SmallCounts.Show(m), Rate(m, g.Count()));
                }).ToArray(),
                SmallCounts.Show(spine.Length), SmallCounts.Show(positive), Rate(positive, spine.Length),
                SmallCounts.Show(referred.Length), SmallCounts.Show(referred.Count(r => completed.Contains(r.ReferralId!.Value))));
        }

        var names = (await session.LoadManyAsync<KnownUnit>(ct, rounds.Select(r => r.SchoolId).Distinct().ToArray())).ToDictionary(u => u.Id, u => u.Name);
        var schools = rounds.GroupBy(r => (r.SchoolId, r.CountyCode)).OrderBy(g => g.Key.CountyCode, StringComparer.Ordinal).ThenBy(g => g.Key.SchoolId)
            .Select(g => Figure(g.Key.CountyCode, g.Key.SchoolId, names.GetValueOrDefault(g.Key.SchoolId), g.Select(r => r.Expected).ToArray(),
                results.Where(r => r.SchoolId == g.Key.SchoolId).ToArray()))
            .ToArray();
        var counties = rounds.GroupBy(r => r.CountyCode).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Figure(g.Key, null, null, g.Select(r => r.Expected).ToArray(), results.Where(r => r.CountyCode == g.Key).ToArray()))
            .ToArray();
        return TypedResults.Ok(new HealthFigures(region, start, end,
            Figure(region, null, null, rounds.Select(r => r.Expected).ToArray(), results), counties, schools));
    }

    /// <summary>A rate to three places, or null when it could single a child out (numerator 1 to 4) or means little (denominator under 5).</summary>
    public static decimal? Rate(int count, int of) =>
        of < SmallCounts.Threshold || count is > 0 and < SmallCounts.Threshold ? null : Math.Round((decimal)count / of, 3);
}
