using JiaoLianTi.ParentSchool.Courses;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.ParentSchool.Library;

/// <summary>The body of <c>POST /api/parentschool/library</c>: a video needs a link; an article or guide a body or a link.</summary>
public sealed record PublishLibraryItemRequest(
    LibraryItemKind? Kind, string? Title, CourseTopic? Topic, int[]? TargetGrades, CourseScope? Scope,
    string? RegionCode, Guid? SchoolId, string? Summary, string? Body, string? Link);

public static class LibraryApi
{
    public static RouteGroupBuilder MapLibraryEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/parentschool/library").WithTags("Library 资源库");
        group.MapPost("/", Publish).WithSummary("发布资源 / Publish an article, video or guide");
        group.MapPost("/{id:guid}/retire", Retire).WithSummary("下架资源 / Retire a library item");
        group.MapGet("/{id:guid}", Get).WithSummary("资源详情 / A library item");
        group.MapGet("/", List).WithSummary("资源库 / The library: by topic, grade, kind and scope");
        return group;
    }

    private static async Task<Created<LibraryItem>> Publish(
        PublishLibraryItemRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        var regionCode = string.IsNullOrWhiteSpace(request.RegionCode) ? caller.Region : request.RegionCode.Trim();
        var schoolId = request.Scope == CourseScope.School ? request.SchoolId ?? caller.SchoolId : null;
        new Validation()
            .Required("kind", request.Kind)
            .Required("title", request.Title).MaxLength("title", request.Title, 200)
            .Required("topic", request.Topic)
            .Required("scope", request.Scope)
            .Check(request.TargetGrades is null || request.TargetGrades.All(g => g is >= 1 and <= CoursesApi.MaxGrade),
                "targetGrades", $"年级须在 1 到 {CoursesApi.MaxGrade} 之间 / grades are 1 to {CoursesApi.MaxGrade}")
            .Required("summary", request.Summary).MaxLength("summary", request.Summary, 1000)
            .MaxLength("body", request.Body, 100_000)
            .Check(request.Link is null || Uri.TryCreate(request.Link, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https",
                "link", "须为 http(s) 网址 / must be an http(s) link")
            .Check(request.Kind != LibraryItemKind.Video || !string.IsNullOrWhiteSpace(request.Link), "link", "视频须有链接 / a video needs its link")
            .Check(!string.IsNullOrWhiteSpace(request.Body) || !string.IsNullOrWhiteSpace(request.Link), "body", "须有正文或链接 / needs a body or a link")
            .Check(Regions.IsRegionPrefix(regionCode), "regionCode", "须为 2 或 6 位行政区划代码 / must be a 2 or 6 digit division code")
            .Check(request.Scope != CourseScope.School || schoolId is not null, "schoolId", "校级资源须指明学校 / a school item needs its school")
            .ThrowIfInvalid();
        if (!Audience.MayAuthor(caller, request.Scope!.Value, regionCode, schoolId))
        {
            throw new ForbiddenException("只能在本人范围内发布资源 / You may publish only in your own scope (province, county or school).");
        }
        var published = new LibraryItemPublished(Guid.CreateVersion7(), request.Kind!.Value, request.Title!.Trim(),
            request.Topic!.Value, (request.TargetGrades ?? []).Distinct().Order().ToArray(), request.Scope.Value, regionCode,
            schoolId, request.Summary!.Trim(), request.Body, request.Link, caller.Subject, clock.GetUtcNow());
        return await session.Start<LibraryItem>(http, published.ItemId, LibraryItemDecider.Decide(published, null),
            $"/api/parentschool/library/{published.ItemId}", ct);
    }

    private static async Task<Ok<LibraryItem>> Retire(
        Guid id, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        var command = new RetireLibraryItem(id, caller.Subject, clock.GetUtcNow());
        return await session.Change<LibraryItem>(http, id, item =>
        {
            if (!Audience.Sees(caller, item.Scope, item.RegionCode, item.SchoolId))
            {
                throw new NotFoundException($"资源 {id} 不存在 / Library item {id} was not found.");
            }
            if (!Audience.MayAuthor(caller, item.Scope, item.RegionCode, item.SchoolId))
            {
                throw new ForbiddenException("只有本范围的工作人员可以下架 / Only staff of the item's scope may retire it.");
            }
        }, state => LibraryItemDecider.Decide(command, state), ct);
    }

    private static async Task<Results<Ok<LibraryItem>, NotFound, StatusCodeHttpResult>> Get(
        Guid id, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        var caller = http.Caller();
        var item = await session.LoadAsync<LibraryItem>(id, ct);
        if (item is null || !Audience.Sees(caller, item.Scope, item.RegionCode, item.SchoolId)
            || (caller.Role == Role.Parent && item.Status == LibraryItemStatus.Retired))
        {
            return TypedResults.NotFound();
        }
        if (http.IsNotModified(item.Version))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        http.SetETag(item.Version);
        return TypedResults.Ok(item);
    }

    private static async Task<Ok<Page<LibraryItem>>> List(
        HttpContext http, IQuerySession session, int? page, int? pageSize, CourseTopic? topic, int? grade,
        CourseScope? scope, LibraryItemKind? kind, LibraryItemStatus? status, string? q, CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        var above = Audience.Ancestors(caller.Region);
        var region = caller.Region;
        IQueryable<LibraryItem> query = session.Query<LibraryItem>();
        if (Audience.IsSchoolBound(caller))
        {
            var school = caller.SchoolId ?? Guid.Empty;
            query = query.Where(i => (i.Scope != CourseScope.School && above.Contains(i.RegionCode))
                || (i.Scope == CourseScope.School && i.SchoolId == school));
        }
        else
        {
            query = query.Where(i => (i.Scope != CourseScope.School && above.Contains(i.RegionCode)) || i.RegionCode.StartsWith(region));
        }
        if (caller.Role == Role.Parent) query = query.Where(i => i.Status == LibraryItemStatus.Published);
        else if (status is { } s) query = query.Where(i => i.Status == s);
        if (topic is { } t) query = query.Where(i => i.Topic == t);
        // An item with no target grades is for every grade.
        if (grade is { } g) query = query.Where(i => i.TargetGrades.Contains(g) || !i.TargetGrades.Any());
        if (scope is { } sc) query = query.Where(i => i.Scope == sc);
        if (kind is { } k) query = query.Where(i => i.Kind == k);
        if (!string.IsNullOrWhiteSpace(q)) query = query.Where(i => i.Title.Contains(q.Trim()));
        return TypedResults.Ok(await query.OrderByDescending(i => i.PublishedAt).ToPageAsync(paging, ct));
    }
}
