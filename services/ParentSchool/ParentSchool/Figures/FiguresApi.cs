using JiaoLianTi.ParentSchool.Courses;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.ParentSchool.Figures;

/// <summary>One row of figures. The completion rate is completions / enrolments, a share, never a ranking.</summary>
/// <remarks>For a period, <paramref name="PeriodFrom"/> and <paramref name="PeriodTo"/> bound it (the first moment in it
/// and the first after it) and the counts are of what happened within it; without one they are null (all time).</remarks>
public sealed record TopicFiguresView(
    FigureLevel Level, string Code, string RegionCode, CourseTopic Topic, long Enrolments, long Completions,
    double CompletionRate, long LessonsCompleted, DateTimeOffset UpdatedAt, DateTimeOffset? PeriodFrom = null,
    DateTimeOffset? PeriodTo = null, string? PeriodName = null)
{
    public static TopicFiguresView Of(TopicFigures f) =>
        new(f.Level, f.Code, f.RegionCode, f.Topic, f.Enrolments, f.Completions,
            f.Enrolments == 0 ? 0 : Math.Round((double)f.Completions / f.Enrolments, 4), f.LessonsCompleted, f.UpdatedAt);
}

public static class FiguresApi
{
    public static RouteGroupBuilder MapFigureEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/parentschool/figures").WithTags("Figures 统计");
        group.MapGet("/", List).WithSummary(
            "报名、结业与结业率（按主题） / Enrolments, completions and completion rate by topic, for the caller's school or region");
        return group;
    }

    /// <summary>
    /// Whose figures the caller may ask for: null for the education authorities (their region), the school's id for
    /// school staff; 403 for everyone else, and for school staff asking for a county's, the province's or another
    /// school's figures (a refusal, not an empty answer that would read as "no parent took a course").
    /// </summary>
    public static Guid? SchoolScope(Caller caller, FigureLevel? level, string? code)
    {
        if (caller.IsAdministration)
        {
            return null;
        }
        if (!Audience.IsSchoolStaff(caller) || caller.SchoolId is not { } own)
        {
            throw new ForbiddenException("统计数据仅向学校与教育行政部门开放 / Figures are for schools and education authorities.");
        }
        if (level is FigureLevel.County or FigureLevel.Province || (!string.IsNullOrWhiteSpace(code) && code.Trim() != own.ToString()))
        {
            throw new ForbiddenException(
                "学校只能查看本校的统计，县级与全省统计由教育行政部门查看 / A school sees its own figures; a county's and the province's are for the education authorities.");
        }
        return own;
    }

    /// <summary>
    /// School admins (and teachers) see their school's figures; county, city and province admins those of the
    /// schools, counties and province in their region. Parents and member officers see none, and school staff asking
    /// for a county's or the province's figures (or another school's) are refused (403), not answered empty. Ordered
    /// by level, code and topic: never by how well anyone did. <c>period=Term|Year</c> (this term, this year) or
    /// <c>from</c>/<c>to</c> (dates, China time, both included) count only what happened in that period.
    /// </summary>
    private static async Task<Ok<Page<TopicFiguresView>>> List(
        HttpContext http, IQuerySession session, TimeProvider clock, int? page, int? pageSize, FigureLevel? level, string? code,
        CourseTopic? topic, FigurePeriod? period, DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        new Validation()
            .Check(period is null || (from is null && to is null), "period", "与 from/to 二选一 / give either period or from/to")
            .Check(from is null || to is null || from <= to, "to", "须不早于 from / must not be before from")
            .ThrowIfInvalid();
        var ownSchool = SchoolScope(caller, level, code);

        IReadOnlyList<TopicFiguresView> rows;
        if (period is not null || from is not null || to is not null)
        {
            var (start, end, name) = period is { } p ? Periods.Containing(p, clock.GetUtcNow())
                : (from is { } f ? Periods.Start(f) : DateTimeOffset.MinValue, to is { } t ? Periods.Start(t.AddDays(1)) : clock.GetUtcNow(),
                    $"{from:yyyy-MM-dd} – {to:yyyy-MM-dd}");
            rows = await PeriodFigures.LoadAsync(session, caller.Region, ownSchool, start, end, ct);
            rows = rows.Select(r => r with { PeriodFrom = start, PeriodTo = end, PeriodName = name }).ToList();
        }
        else
        {
            IQueryable<TopicFigures> query = session.Query<TopicFigures>();
            if (ownSchool is { } school)
            {
                var schoolCode = school.ToString();
                query = query.Where(f => f.Level == FigureLevel.School && f.Code == schoolCode);
            }
            else
            {
                var region = caller.Region;
                query = query.Where(f => f.RegionCode.StartsWith(region));
            }
            if (level is { } l) query = query.Where(f => f.Level == l);
            if (!string.IsNullOrWhiteSpace(code)) query = query.Where(f => f.Code == code.Trim());
            if (topic is { } t) query = query.Where(f => f.Topic == t);
            var result = await query.OrderBy(f => f.Level).ThenBy(f => f.Code).ThenBy(f => f.Topic).ToPageAsync(paging, ct);
            return TypedResults.Ok(result.Map(TopicFiguresView.Of));
        }
        var chosen = rows
            .Where(r => ownSchool is { } s ? r.Level == FigureLevel.School && r.Code == s.ToString() : r.RegionCode.StartsWith(caller.Region, StringComparison.Ordinal))
            .Where(r => level is null || r.Level == level)
            .Where(r => string.IsNullOrWhiteSpace(code) || r.Code == code.Trim())
            .Where(r => topic is null || r.Topic == topic)
            .OrderBy(r => r.Level).ThenBy(r => r.Code, StringComparer.Ordinal).ThenBy(r => r.Topic)
            .ToList();
        return TypedResults.Ok(paging.Of(chosen));
    }
}
