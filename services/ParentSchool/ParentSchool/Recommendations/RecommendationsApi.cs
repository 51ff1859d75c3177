using JiaoLianTi.ParentSchool.Courses;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.ParentSchool.Recommendations;

/// <summary>
/// 为您推荐: a reason and the published courses on its topics that the parent may take. A recommendation never points
/// at nothing: with no such course yet, <paramref name="CoursesAvailable"/> is false and <paramref name="Note"/> says so.
/// </summary>
public sealed record RecommendedForYou(
    string ReasonCode, string Reason, CourseTopic[] Topics, DateTimeOffset RecommendedAt, IReadOnlyList<CourseView> Courses,
    bool CoursesAvailable, string? Note);

public static class RecommendationsApi
{
    /// <summary>A recommendation older than this is no longer shown.</summary>
    public static readonly TimeSpan ShownFor = TimeSpan.FromDays(90);

    /// <summary>What a parent reads where no published course on the topics is open to them yet.</summary>
    public const string NoCourseYet = "暂无相关课程，课程发布后会显示在这里 / No course on these topics is available yet: it will show here once published.";

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
        var items = recommendations.Items.Select(r => Shown(r, courses)).ToList();
        return TypedResults.Ok(recommendations.With(items));
    }

    /// <summary>A recommendation as a parent sees it: with the published courses on its topics, or saying there is none yet.</summary>
    public static RecommendedForYou Shown(Recommendation recommendation, IEnumerable<MicroCourse> courses)
    {
        var offered = courses.Where(c => c.Status == CourseStatus.Published && recommendation.Topics.Contains(c.Topic))
            .Select(c => CourseView.Of(c, author: false)).ToList();
        return new RecommendedForYou(recommendation.ReasonCode, recommendation.Reason, recommendation.Topics,
            recommendation.RecommendedAt, offered, offered.Count > 0, offered.Count > 0 ? null : NoCourseYet);
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
