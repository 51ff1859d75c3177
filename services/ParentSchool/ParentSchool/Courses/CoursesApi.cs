using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.ParentSchool.Courses;

public sealed record LessonRequest(Guid? LessonId, string? Title, int? DurationMinutes, string? Text, string[]? VideoLinks);

/// <summary>The body of <c>POST /api/parentschool/courses</c>.</summary>
public sealed record DraftCourseRequest(
    string? Title, CourseTopic? Topic, int[]? TargetGrades, CourseScope? Scope, string? RegionCode, Guid? SchoolId,
    LessonRequest[]? Lessons);

/// <summary>The body of <c>PUT /api/parentschool/courses/{id}/draft</c>: the next version's content.</summary>
public sealed record ReviseCourseRequest(string? Title, CourseTopic? Topic, int[]? TargetGrades, LessonRequest[]? Lessons);

/// <summary>What a caller sees of a course: the published version's lessons; the pending draft only to its authors.</summary>
public sealed record CourseView(
    Guid Id, string Title, CourseTopic Topic, int[] TargetGrades, CourseScope Scope, string RegionCode, Guid? SchoolId,
    CourseStatus Status, int PublishedVersion, Lesson[] Lessons, int TotalMinutes, CourseContent? Draft, string Author,
    DateTimeOffset UpdatedAt)
{
    public static CourseView Of(MicroCourse c, bool author)
    {
        var lessons = c.Current?.Content.Lessons ?? (author ? c.Draft?.Lessons ?? [] : []);
        return new CourseView(c.Id, c.Title, c.Topic, c.TargetGrades, c.Scope, c.RegionCode, c.SchoolId, c.Status,
            c.PublishedVersion, lessons, lessons.Sum(l => l.DurationMinutes), author ? c.Draft : null, c.Author, c.UpdatedAt);
    }
}

public static class CoursesApi
{
    public const int MaxGrade = 12;

    public static RouteGroupBuilder MapCourseEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/parentschool/courses").WithTags("MicroCourses 微课程");
        group.MapPost("/", Draft).WithSummary("起草微课程 / Draft a micro-course");
        group.MapPut("/{id:guid}/draft", Revise).WithSummary("修改草稿（新版本） / Revise the draft (the next version)");
        group.MapPost("/{id:guid}/publish", Publish).WithSummary("发布 / Publish the draft as a new version");
        group.MapPost("/{id:guid}/retire", Retire).WithSummary("下架 / Retire the course");
        group.MapGet("/{id:guid}", Get).WithSummary("微课程详情 / A course");
        group.MapGet("/", List).WithSummary("课程目录 / The catalogue: by topic, grade and scope");
        return group;
    }

    private static async Task<Created<CourseView>> Draft(
        DraftCourseRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        var validation = new Validation().Required("scope", request.Scope);
        var content = ValidContent(validation, request.Title, request.Topic, request.TargetGrades, request.Lessons);
        // Omitted scope details default to the caller's own: their region, their school.
        var regionCode = string.IsNullOrWhiteSpace(request.RegionCode) ? caller.Region : request.RegionCode.Trim();
        var schoolId = request.Scope == CourseScope.School ? request.SchoolId ?? caller.SchoolId : null;
        validation
            .Check(Regions.IsRegionPrefix(regionCode), "regionCode", "须为 2 或 6 位行政区划代码 / must be a 2 or 6 digit division code")
            .Check(request.Scope != CourseScope.Province || regionCode.Length == 2, "regionCode", "省级课程须为 2 位省代码 / a province course needs the 2-digit province code")
            .Check(request.Scope is not (CourseScope.County or CourseScope.School) || regionCode.Length == 6, "regionCode", "县级或校级课程须为 6 位县代码 / a county or school course needs the 6-digit county code")
            .Check(request.Scope != CourseScope.School || schoolId is not null, "schoolId", "校级课程须指明学校 / a school course needs its school")
            .ThrowIfInvalid();
        if (!Audience.MayAuthor(caller, request.Scope!.Value, regionCode, schoolId))
        {
            throw new ForbiddenException("只能在本人范围内发布课程 / You may author courses only in your own scope (province, county or school).");
        }

        var command = new DraftCourse(Guid.CreateVersion7(), content, request.Scope.Value, regionCode, schoolId,
            caller.Subject, clock.GetUtcNow());
        return await session.Start<MicroCourse, CourseView>(http, command.CourseId, CourseDecider.Decide(command, null),
            $"/api/parentschool/courses/{command.CourseId}", AuthorsView, ct);
    }

    private static async Task<Ok<CourseView>> Revise(
        Guid id, ReviseCourseRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        var content = ValidContent(new Validation(), request.Title, request.Topic, request.TargetGrades, request.Lessons, thenThrow: true);
        var command = new ReviseCourseDraft(id, content, caller.Subject, clock.GetUtcNow());
        return await session.Change<MicroCourse, CourseView>(http, id, Authored(caller), course => CourseDecider.Decide(command, course), AuthorsView, ct);
    }

    private static async Task<Ok<CourseView>> Publish(
        Guid id, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        var command = new PublishCourse(id, caller.Subject, clock.GetUtcNow());
        return await session.Change<MicroCourse, CourseView>(http, id, Authored(caller), course => CourseDecider.Decide(command, course), AuthorsView, ct);
    }

    private static async Task<Ok<CourseView>> Retire(
        Guid id, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        var command = new RetireCourse(id, caller.Subject, clock.GetUtcNow());
        return await session.Change<MicroCourse, CourseView>(http, id, Authored(caller), course => CourseDecider.Decide(command, course), AuthorsView, ct);
    }

    private static async Task<Results<Ok<CourseView>, NotFound, StatusCodeHttpResult>> Get(
        Guid id, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        var caller = http.Caller();
        var course = await session.LoadAsync<MicroCourse>(id, ct);
        if (course is null || !Visible(caller, course))
        {
            return TypedResults.NotFound();
        }
        if (http.IsNotModified(course.Version))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        http.SetETag(course.Version);
        return TypedResults.Ok(CourseView.Of(course, Audience.MayAuthor(caller, course.Scope, course.RegionCode, course.SchoolId)));
    }

    private static async Task<Ok<Page<CourseView>>> List(
        HttpContext http, IQuerySession session, int? page, int? pageSize, CourseTopic? topic, int? grade,
        CourseScope? scope, CourseStatus? status, string? q, CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        new Validation().Check(grade is null or (>= 1 and <= MaxGrade), "grade", $"须在 1 到 {MaxGrade} 之间 / must be between 1 and {MaxGrade}")
            .ThrowIfInvalid();
        var query = VisibleTo(session.Query<MicroCourse>(), caller);
        if (caller.Role == Role.Parent)
        {
            // Parents see the catalogue only: what is published now.
            query = query.Where(c => c.Status == CourseStatus.Published);
        }
        else if (status is { } s)
        {
            query = query.Where(c => c.Status == s);
        }
        if (topic is { } t) query = query.Where(c => c.Topic == t);
        if (grade is { } g) query = query.Where(c => c.TargetGrades.Contains(g));
        if (scope is { } sc) query = query.Where(c => c.Scope == sc);
        if (!string.IsNullOrWhiteSpace(q)) query = query.Where(c => c.Title.Contains(q.Trim()));
        var result = await query.OrderBy(c => c.Title).ThenBy(c => c.Id).ToPageAsync(paging, ct);
        return TypedResults.Ok(result.Map(c => CourseView.Of(c, Audience.MayAuthor(caller, c.Scope, c.RegionCode, c.SchoolId))));
    }

    /// <summary>The catalogue visible to a caller, as one query (the same rule as <see cref="Audience.Sees"/>).</summary>
    public static IQueryable<MicroCourse> VisibleTo(IQueryable<MicroCourse> query, Caller caller)
    {
        var above = Audience.Ancestors(caller.Region);
        var region = caller.Region;
        if (Audience.IsSchoolBound(caller))
        {
            var school = caller.SchoolId ?? Guid.Empty;
            return query.Where(c => (c.Scope != CourseScope.School && above.Contains(c.RegionCode))
                || (c.Scope == CourseScope.School && c.SchoolId == school));
        }
        return query.Where(c => (c.Scope != CourseScope.School && above.Contains(c.RegionCode)) || c.RegionCode.StartsWith(region));
    }

    public static bool Visible(Caller caller, MicroCourse course) =>
        Audience.Sees(caller, course.Scope, course.RegionCode, course.SchoolId)
        && (caller.Role != Role.Parent || course.Status != CourseStatus.Draft);

    /// <summary>
    /// The authorise step: only the course's authors (staff of its scope) change it; anyone else is told it does not
    /// exist or is refused.
    /// </summary>
    private static Action<MicroCourse> Authored(Caller caller) => course =>
    {
        if (!Visible(caller, course))
        {
            throw new NotFoundException($"微课程 {course.Id} 不存在 / Course {course.Id} was not found.");
        }
        if (!Audience.MayAuthor(caller, course.Scope, course.RegionCode, course.SchoolId))
        {
            throw new ForbiddenException("只有本范围的工作人员可以修改此课程 / Only staff of the course's scope may change it.");
        }
    };

    /// <summary>The course as its authors see it: the answer to every change.</summary>
    private static CourseView AuthorsView(MicroCourse course) => CourseView.Of(course, author: true);

    /// <summary>Validates a course's content field by field (lessons as <c>lessons[0].title</c>).</summary>
    internal static CourseContent ValidContent(
        Validation validation, string? title, CourseTopic? topic, int[]? grades, LessonRequest[]? lessons, bool thenThrow = false)
    {
        validation
            .Required("title", title).MaxLength("title", title, 200)
            .Required("topic", topic)
            .Check(grades is { Length: > 0 }, "targetGrades", "至少一个年级 / at least one grade")
            .Check(grades is null || grades.All(g => g is >= 1 and <= MaxGrade), "targetGrades", $"年级须在 1 到 {MaxGrade} 之间 / grades are 1 to {MaxGrade}")
            .Check(lessons is { Length: > 0 }, "lessons", "至少一节课 / at least one lesson")
            .Check(lessons is null || lessons.Length <= 100, "lessons", "至多 100 节课 / at most 100 lessons");
        var ids = new HashSet<Guid>();
        for (var i = 0; i < (lessons?.Length ?? 0); i++)
        {
            var l = lessons![i];
            var field = $"lessons[{i}]";
            if (l is null)
            {
                validation.Check(false, field, "必填 / is required");
                continue;
            }
            validation
                .Required($"{field}.title", l.Title).MaxLength($"{field}.title", l.Title, 200)
                .Check(l.DurationMinutes is >= 1 and <= 600, $"{field}.durationMinutes", "须在 1 到 600 分钟之间 / must be 1 to 600 minutes")
                .MaxLength($"{field}.text", l.Text, 50_000)
                .Check(l.VideoLinks is null || l.VideoLinks.All(IsVideoLink), $"{field}.videoLinks", "须为 http(s) 网址 / must be http(s) links")
                .Check(l.LessonId is null || ids.Add(l.LessonId.Value), $"{field}.lessonId", "课时编号重复 / repeats another lesson's id")
                .Check(!string.IsNullOrWhiteSpace(l.Text) || l.VideoLinks is { Length: > 0 }, $"{field}.text", "须有文字或视频 / needs text or a video");
        }
        if (thenThrow || !validation.IsValid)
        {
            validation.ThrowIfInvalid();
        }
        return new CourseContent(title!.Trim(), topic!.Value, grades!.Distinct().Order().ToArray(),
            lessons!.Select(l => new Lesson(l.LessonId ?? Guid.CreateVersion7(), l.Title!.Trim(), l.DurationMinutes!.Value,
                l.Text?.Trim() ?? "", l.VideoLinks ?? [])).ToArray());
    }

    private static bool IsVideoLink(string link) =>
        Uri.TryCreate(link, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
}
