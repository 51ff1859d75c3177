using JiaoLianTi.Alliances.Contracts;
using JiaoLianTi.Platform.AlliancesReplica;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.Activities.Programmes;

/// <summary>
/// One school's after-school figures for a term. <see cref="Enrolled"/>: students holding a place in at least one of
/// its programmes (not cancelled), shown through the small-count rule (1 to 4 as "&lt;5"); <see cref="Share"/>: those
/// over the students the school declared, null when it declared none or when the count is suppressed.
/// </summary>
public sealed record SchoolAfterSchool(
    Guid SchoolId, string? SchoolName, string CountyCode, int Programmes, string Enrolled, int? DeclaredStudents,
    double? Share, int SessionsHeld, decimal ProviderHours, int FlaggedProgrammes);

/// <summary>
/// A county's: the share over the schools that declared their students (enrolled at those schools / their declared
/// students); schools that declared none are counted in <see cref="Schools"/> but not in the share.
/// </summary>
public sealed record CountyAfterSchool(
    string CountyCode, int Schools, int SchoolsWithProgrammes, int SchoolsDeclared, string Enrolled, int DeclaredStudents,
    double? Share, int SessionsHeld, decimal ProviderHours);

public sealed record AfterSchoolFigures(
    string Term, int SmallCountThreshold, IReadOnlyList<CountyAfterSchool> Counties, IReadOnlyList<SchoolAfterSchool> Schools);

/// <summary>A provider's hours in a term: a member unit, or a school's own staff.</summary>
public sealed record ProviderHoursRow(
    ProviderKind Kind, Guid? UnitId, Guid? SchoolId, string Name, int Programmes, int SessionsHeld, decimal Hours);

public sealed record ProviderHoursReport(string Term, decimal TotalHours, IReadOnlyList<ProviderHoursRow> Providers);

public static class ProgrammeFiguresApi
{
    private const int MaxRows = 200_000;

    public static RouteGroupBuilder MapProgrammeFiguresEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/activities/programmes").WithTags("Programmes 课后服务");
        group.MapGet("/figures", Figures)
            .WithSummary("课后服务参与率（至少参加一项的学生占在校生比例），按学校和县 / Share of students enrolled in at least one programme, per school and county");
        group.MapGet("/provider-hours", ProviderHours).WithSummary("提供方本学期课时 / Providers' hours in a term");
        return group;
    }

    private static async Task<Ok<AfterSchoolFigures>> Figures(
        HttpContext http, IQuerySession session, string? term, string? county, Guid? school, TimeProvider clock,
        CancellationToken ct)
    {
        var caller = http.Caller();
        var the = Term(term, county, clock);
        var (region, own) = Scope(caller, "课后服务统计供学校和教育行政部门查看 / The figures are for schools and education bureaus.");
        var prefix = string.IsNullOrEmpty(county) ? region : county;

        var schoolsQuery = session.Query<KnownUnit>().Where(u => u.Kind == MemberUnitKinds.School && u.CountyCode.StartsWith(region));
        if (!string.IsNullOrEmpty(county)) schoolsQuery = schoolsQuery.Where(u => u.CountyCode.StartsWith(county));
        if ((own ?? school) is { } one) schoolsQuery = schoolsQuery.Where(u => u.Id == one);
        var schools = await schoolsQuery.Take(MaxRows).ToListAsync(ct);

        var programmesQuery = session.Query<ProgrammeView>().Where(p => p.Term == the && p.CountyCode.StartsWith(prefix)
            && p.CountyCode.StartsWith(region) && p.Status != ProgrammeStatus.Cancelled && p.Status != ProgrammeStatus.Draft);
        if ((own ?? school) is { } s) programmesQuery = programmesQuery.Where(p => p.SchoolId == s);
        var programmes = await programmesQuery.Take(MaxRows).ToListAsync(ct);
        var ids = programmes.Select(p => p.Id).ToArray();
        var schoolOf = programmes.ToDictionary(p => p.Id, p => p.SchoolId);
        var enrolled = await session.Query<ProgrammeEnrolment>().Where(e => ids.Contains(e.ProgrammeId) && e.Status == EnrolmentStatus.Enrolled)
                .Select(e => new { e.ProgrammeId, e.StudentId }).Take(MaxRows * 10).ToListAsync(ct);
        var studentsBySchool = enrolled.GroupBy(e => schoolOf[e.ProgrammeId])
            .ToDictionary(g => g.Key, g => g.Select(e => e.StudentId).Distinct().Count());
        var declared = (await session.Query<DeclaredStudents>().Where(d => d.Term == the && d.CountyCode.StartsWith(prefix)
                && d.CountyCode.StartsWith(region)).Take(MaxRows).ToListAsync(ct))
            .ToDictionary(d => d.SchoolId, d => d.Students);
        var bySchool = programmes.ToLookup(p => p.SchoolId);

        var rows = schools.Select(u =>
        {
            var mine = bySchool[u.Id].ToList();
            var count = studentsBySchool.GetValueOrDefault(u.Id);
            int? students = declared.TryGetValue(u.Id, out var n) ? n : null;
            return new SchoolAfterSchool(u.Id, u.Name, u.CountyCode, mine.Count, SmallCounts.Show(count), students,
                Share(count, students), mine.Sum(p => p.SessionsHeld), mine.Sum(p => p.ProviderHours),
                mine.Count(p => p.ProviderLeftAt is not null));
        }).OrderBy(r => r.CountyCode).ThenBy(r => r.SchoolName).ToList();

        var counties = schools.GroupBy(u => u.CountyCode).Select(g =>
        {
            var declaring = g.Where(u => declared.ContainsKey(u.Id)).ToList();
            var count = declaring.Sum(u => studentsBySchool.GetValueOrDefault(u.Id));
            var students = declaring.Sum(u => declared[u.Id]);
            var mine = g.SelectMany(u => bySchool[u.Id]).ToList();
            return new CountyAfterSchool(g.Key, g.Count(), g.Count(u => bySchool[u.Id].Any()), declaring.Count,
                SmallCounts.Show(g.Sum(u => studentsBySchool.GetValueOrDefault(u.Id))), students,
                Share(count, declaring.Count == 0 ? null : students), mine.Sum(p => p.SessionsHeld), mine.Sum(p => p.ProviderHours));
        }).OrderBy(c => c.CountyCode).ToList();
        return TypedResults.Ok(new AfterSchoolFigures(the, SmallCounts.Threshold, counties, rows));
    }

    private static async Task<Ok<ProviderHoursReport>> ProviderHours(
        HttpContext http, IQuerySession session, string? term, string? county, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        var the = Term(term, county, clock);
        var query = session.Query<ProgrammeView>().Where(p => p.Term == the && p.Status != ProgrammeStatus.Draft);
        if (caller.Role == Role.MemberOfficer && caller.MemberUnitId is { } unit)
        {
            query = query.Where(p => p.ProviderUnitId == unit);
        }
        else
        {
            var (region, own) = Scope(caller, "提供方课时供学校、提供方和教育行政部门查看 / Providers' hours are for schools, providers and bureaus.");
            query = query.Where(p => p.CountyCode.StartsWith(region));
            if (own is { } s) query = query.Where(p => p.SchoolId == s);
        }
        if (!string.IsNullOrEmpty(county)) query = query.Where(p => p.CountyCode.StartsWith(county));
        var programmes = await query.Take(MaxRows).ToListAsync(ct);

        var schoolIds = programmes.Select(p => p.SchoolId).Distinct().ToArray();
        var schoolNames = (await session.LoadManyAsync<KnownUnit>(ct, schoolIds)).ToDictionary(u => u.Id, u => u.Name);
        var rows = programmes
            .SelectMany(p => p.SessionsByProvider.Select(kv => (Programme: p, Key: kv.Key, Sessions: kv.Value)))
            // A member officer reads only their own unit's hours, even on a programme now given by someone else.
            .Where(x => caller.Role != Role.MemberOfficer || x.Key == caller.MemberUnitId?.ToString("N"))
            .GroupBy(x => x.Key == ProgrammeView.SchoolStaffKey ? $"{x.Key}:{x.Programme.SchoolId:N}" : x.Key)
            .Select(g =>
            {
                var first = g.First();
                var staff = first.Key == ProgrammeView.SchoolStaffKey;
                var name = staff
                    ? $"{schoolNames.GetValueOrDefault(first.Programme.SchoolId)}（本校教师 / school staff）"
                    : first.Programme.ProviderNames.GetValueOrDefault(first.Key) ?? first.Key;
                return new ProviderHoursRow(staff ? ProviderKind.SchoolStaff : ProviderKind.MemberUnit,
                    staff ? null : Guid.Parse(first.Key), staff ? first.Programme.SchoolId : null, name,
                    g.Select(x => x.Programme.Id).Distinct().Count(), g.Sum(x => x.Sessions),
                    g.Sum(x => x.Sessions * x.Programme.SessionHours));
            })
            .OrderByDescending(r => r.Hours).ThenBy(r => r.Name).ToList();
        return TypedResults.Ok(new ProviderHoursReport(the, rows.Sum(r => r.Hours), rows));
    }

    /// <summary>The term asked for (the current one by default), with the county filter checked.</summary>
    internal static string Term(string? term, string? county, TimeProvider clock)
    {
        new Validation()
            .Check(term is null || Terms.TryParse(term, out _, out _), "term", Terms.Invalid)
            .Check(county is null || Regions.IsRegionPrefix(county), "county", "不是行政区划代码前缀 / is not a division code prefix")
            .ThrowIfInvalid();
        return term ?? Terms.Of(Terms.Today(clock.GetUtcNow()));
    }

    /// <summary>Bureaus read their region; a school's staff and counsellors their own school; anyone else 403.</summary>
    internal static (string Region, Guid? School) Scope(Caller caller, string refusal)
    {
        if (caller.IsAdministration)
        {
            return (caller.Region, null);
        }
        if (caller.Role is (Role.SchoolAdmin or Role.Teacher or Role.Counsellor) && caller.SchoolId is { } own)
        {
            return (caller.Region, own);
        }
        throw new ForbiddenException(refusal);
    }

    /// <summary>Enrolled over declared, to four places; none when nothing is declared or the count is suppressed.</summary>
    private static double? Share(int enrolled, int? declared) =>
        declared is not { } d || d == 0 || enrolled is > 0 and < SmallCounts.Threshold
            ? null
            : Math.Round((double)enrolled / d, 4);
}
