using JiaoLianTi.ParentSchool.Courses;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.ParentSchool.Recommendations;

/// <summary>为您推荐: a reason and the published courses on its topics that the parent may take.</summary>
public sealed record RecommendedForYou(
    string ReasonCode, string Reason, CourseTopic[] Topics, DateTimeOffset RecommendedAt, IReadOnlyList<CourseView> Courses);

public static class RecommendationsApi
{
    /// <summary>A recommendation older than this is no longer shown.</summary>
    public static readonly TimeSpan ShownFor = TimeSpan.FromDays(90);

    public static IEndpointRouteBuilder MapRecommendationEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/parentschool/my/recommendations", ForMe).WithTags("Recommendations 为您推荐")
            .WithSummary("为您推荐 / Recommended for you, with the reason");
        app.MapGet("/api/parentschool/recommendations", List).WithTags("Recommendations 为您推荐")
            .WithSummary("学校的推荐 / Recommendations kept for schools in the caller's scope");
        return app;
    }

    private static async Task<Ok<Page<RecommendedForYou>>> ForMe(
        HttpContext http, IQuerySession session, TimeProvider clock, int? page, int? pageSize, CancellationToken ct)
    {
        var caller = http.Caller();
        var parent = Audience.RequireParent(caller);
        var paging = Paging.From(page, pageSize);
        var since = clock.GetUtcNow() - ShownFor;
        var school = parent.SchoolId ?? Guid.Empty;
        var county = parent.CountyCode;
        var recommendations = await session.Query<Recommendation>()
            .Where(r => r.RecommendedAt >= since && (r.SchoolId == school || (r.SchoolId == null && r.CountyCode == county)))
            .OrderByDescending(r => r.RecommendedAt)
            .ToPageAsync(paging, ct);
        var topics = recommendations.Items.SelectMany(r => r.Topics).Distinct().ToArray();
        var courses = topics.Length == 0 ? [] : await CoursesApi.VisibleTo(session.Query<MicroCourse>(), caller)
            .Where(c => c.Status == CourseStatus.Published && topics.Contains(c.Topic))
            .OrderBy(c => c.Title)
            .Take(200)
            .ToListAsync(ct);
        var items = recommendations.Items.Select(r => new RecommendedForYou(r.ReasonCode, r.Reason, r.Topics, r.RecommendedAt,
            courses.Where(c => r.Topics.Contains(c.Topic)).Select(c => CourseView.Of(c, author: false)).ToList())).ToList();
        return TypedResults.Ok(recommendations.With(items));
    }

    /// <summary>Staff see what was recommended to the parents of their school (or of the schools in their region).</summary>
    private static async Task<Ok<Page<Recommendation>>> List(
        HttpContext http, IQuerySession session, int? page, int? pageSize, Guid? schoolId, string? reasonCode, CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        IQueryable<Recommendation> query = session.Query<Recommendation>();
        if (caller.IsAdministration)
        {
            var region = caller.Region;
            query = query.Where(r => r.CountyCode.StartsWith(region));
        }
        else if (Audience.IsSchoolStaff(caller) && caller.SchoolId is { } own)
        {
            query = query.Where(r => r.SchoolId == own);
        }
        else
        {
            throw new ForbiddenException("仅向学校与教育行政部门开放；家长请看“为您推荐” / For schools and authorities; parents see /my/recommendations.");
        }
        if (schoolId is { } s) query = query.Where(r => r.SchoolId == s);
        if (!string.IsNullOrWhiteSpace(reasonCode)) query = query.Where(r => r.ReasonCode == reasonCode);
        return TypedResults.Ok(await query.OrderByDescending(r => r.RecommendedAt).ToPageAsync(paging, ct));
    }
}
