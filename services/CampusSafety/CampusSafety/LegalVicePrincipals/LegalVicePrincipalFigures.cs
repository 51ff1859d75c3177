using JiaoLianTi.Platform.AlliancesReplica;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Kinds = JiaoLianTi.Alliances.Contracts.MemberUnitKinds;

namespace JiaoLianTi.CampusSafety.LegalVicePrincipals;

/// <param name="Current">How many current legal vice-principals the school has today.</param>
/// <param name="Lessons">Law lessons given at the school in the term.</param>
public sealed record SchoolLegalFigures(Guid SchoolId, string SchoolName, string CountyCode, int Current, int Lessons);

public sealed record CountyLegalFigures(string CountyCode, int Schools, int SchoolsWithCurrent, decimal Share, int Lessons);

public sealed record SchoolWithout(Guid SchoolId, string SchoolName, string CountyCode);

/// <summary>
/// 法治副校长统计: over every school Alliances has registered in the region, which have a current legal vice-principal
/// today and how many law lessons each had in the term; the schools without one, listed for the county.
/// </summary>
public sealed record LegalVicePrincipalFiguresView(
    string Region, string Term, DateOnly AsOf, int Schools, int SchoolsWithCurrent, int Lessons, IReadOnlyList<CountyLegalFigures> Counties,
    IReadOnlyList<SchoolLegalFigures> SchoolRows, IReadOnlyList<SchoolWithout> WithoutLegalVicePrincipal);

public static class LegalVicePrincipalFigures
{
    public static async Task<Ok<LegalVicePrincipalFiguresView>> Figures(
        HttpContext http, IQuerySession session, string? county, string? term, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        if (!caller.IsAdministration)
        {
            throw new ForbiddenException("法治副校长统计仅供教育行政部门 / Legal vice-principal figures are for the education bureaus.");
        }
        var region = caller.Region;
        var v = new Validation().Check(term is null || Drills.Terms.IsTerm(term), "term", "形如 2026-Autumn / must look like 2026-Autumn");
        if (!string.IsNullOrEmpty(county))
        {
            v.Check(Regions.IsRegionPrefix(county) && county.StartsWith(caller.Region, StringComparison.Ordinal), "county",
                "须为您区域内的行政区划代码 / must be a division code inside your region");
            region = county;
        }
        v.ThrowIfInvalid();
        var today = LegalVicePrincipalsApi.Today(clock);
        var theTerm = term ?? Drills.Terms.Of(today);

        var schools = await session.Query<KnownUnit>().Where(u => u.Kind == Kinds.School && u.CountyCode.StartsWith(region))
            .Select(u => new { u.Id, u.Name, u.CountyCode }).ToListAsync(ct);
        var appointments = await session.Query<LegalVicePrincipal>().Where(a => a.CountyCode.StartsWith(region)).ToListAsync(ct);
        var current = appointments.Where(a => a.IsCurrentOn(today)).GroupBy(a => a.SchoolId).ToDictionary(g => g.Key, g => g.Count());
        var lessons = appointments.GroupBy(a => a.SchoolId)
            .ToDictionary(g => g.Key, g => g.Sum(a => a.Lessons.Count(l => l.Term == theTerm)));

        var rows = schools.OrderBy(s => s.CountyCode, StringComparer.Ordinal).ThenBy(s => s.Name, StringComparer.Ordinal)
            .Select(s => new SchoolLegalFigures(s.Id, s.Name, s.CountyCode, current.GetValueOrDefault(s.Id), lessons.GetValueOrDefault(s.Id)))
            .ToArray();
        var counties = rows.GroupBy(r => r.CountyCode).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var with = g.Count(r => r.Current > 0);
                return new CountyLegalFigures(g.Key, g.Count(), with, Math.Round((decimal)with / g.Count(), 3), g.Sum(r => r.Lessons));
            }).ToArray();
        return TypedResults.Ok(new LegalVicePrincipalFiguresView(region, theTerm, today, rows.Length, rows.Count(r => r.Current > 0),
            rows.Sum(r => r.Lessons), counties, rows,
            rows.Where(r => r.Current == 0).Select(r => new SchoolWithout(r.SchoolId, r.SchoolName, r.CountyCode)).ToArray()));
    }
}
