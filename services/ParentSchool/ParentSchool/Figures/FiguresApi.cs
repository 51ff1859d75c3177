using JiaoLianTi.ParentSchool.Courses;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.ParentSchool.Figures;

/// <summary>One row of figures. The completion rate is completions / enrolments, a share, never a ranking.</summary>
public sealed record TopicFiguresView(
    FigureLevel Level, string Code, string RegionCode, CourseTopic Topic, long Enrolments, long Completions,
    double CompletionRate, long LessonsCompleted, DateTimeOffset UpdatedAt)
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
    /// School admins (and teachers) see their school's figures; county, city and province admins those of the
    /// schools, counties and province in their region. Parents and member officers see none. Ordered by level, code
    /// and topic: never by how well anyone did.
    /// </summary>
    private static async Task<Ok<Page<TopicFiguresView>>> List(
        HttpContext http, IQuerySession session, int? page, int? pageSize, FigureLevel? level, string? code,
        CourseTopic? topic, CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        IQueryable<TopicFigures> query = session.Query<TopicFigures>();
        if (caller.IsAdministration)
        {
            var region = caller.Region;
            query = query.Where(f => f.RegionCode.StartsWith(region));
        }
        else if (Audience.IsSchoolStaff(caller) && caller.SchoolId is { } school)
        {
            var schoolCode = school.ToString();
            query = query.Where(f => f.Level == FigureLevel.School && f.Code == schoolCode);
        }
        else
        {
            throw new ForbiddenException("统计数据仅向学校与教育行政部门开放 / Figures are for schools and education authorities.");
        }
        if (level is { } l) query = query.Where(f => f.Level == l);
        if (!string.IsNullOrWhiteSpace(code)) query = query.Where(f => f.Code == code.Trim());
        if (topic is { } t) query = query.Where(f => f.Topic == t);
        var result = await query.OrderBy(f => f.Level).ThenBy(f => f.Code).ThenBy(f => f.Topic).ToPageAsync(paging, ct);
        return TypedResults.Ok(result.Map(TopicFiguresView.Of));
    }
}
