using JasperFx;
using JiaoLianTi.ParentSchool.Courses;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.ParentSchool.Enrolments;

/// <summary>A parent's own progress in one course. <paramref name="Lessons"/> (of the enrolled version) only in the detail.</summary>
public sealed record EnrolmentView(
    Guid EnrolmentId, Guid CourseId, int CourseVersion, string CourseTitle, CourseTopic Topic, EnrolmentStatus Status,
    int LessonsTotal, int LessonsCompleted, int PercentComplete, Guid[] CompletedLessonIds, Guid? CertificateId,
    DateTimeOffset StartedAt, DateTimeOffset? CompletedAt, Lesson[]? Lessons = null)
{
    public static EnrolmentView Of(Enrolment e, Lesson[]? lessons = null) =>
        new(e.Id, e.CourseId, e.CourseVersion, e.CourseTitle, e.Topic, e.Status, e.LessonIds.Length,
            e.CompletedLessonIds.Length, e.LessonIds.Length == 0 ? 0 : e.CompletedLessonIds.Length * 100 / e.LessonIds.Length,
            e.CompletedLessonIds, e.CertificateId, e.StartedAt, e.CompletedAt, lessons);
}

/// <summary>What verifying a certificate tells anyone signed in: the course and the date, nothing about the parent.</summary>
public sealed record CertificateView(
    Guid CertificateId, bool Valid, Guid CourseId, string CourseTitle, int CourseVersion, CourseTopic Topic,
    string CountyCode, DateTimeOffset CompletedAt);

public static class EnrolmentsApi
{
    public static IEndpointRouteBuilder MapEnrolmentEndpoints(this IEndpointRouteBuilder app)
    {
        var courses = app.MapGroup("/api/parentschool/courses").WithTags("Enrolment 报名与学习");
        courses.MapPost("/{id:guid}/enrolment", Enrol).WithSummary("报名微课程 / Enrol in a course (parents, for themselves)");

        var mine = app.MapGroup("/api/parentschool/my/courses").WithTags("Enrolment 报名与学习");
        mine.MapGet("/", MyCourses).WithSummary("我的课程与进度 / My courses and progress");
        mine.MapGet("/{courseId:guid}", MyCourse).WithSummary("我在一门课程中的进度 / My progress in one course");
        mine.MapPost("/{courseId:guid}/lessons/{lessonId:guid}/completion", CompleteLesson)
            .WithSummary("完成一节课 / Complete a lesson (twice counts once)");

        var enrolments = app.MapGroup("/api/parentschool/enrolments").WithTags("Enrolment 报名与学习");
        enrolments.MapGet("/{id:guid}", Get).WithSummary("一次报名 / An enrolment (its parent only)");

        app.MapGroup("/api/parentschool/certificates").WithTags("Certificates 结业证书")
            .MapGet("/{id:guid}", Verify).WithSummary("核验结业证书 / Verify a certificate (anyone signed in)");
        return app;
    }

    private static async Task<Created<EnrolmentView>> Enrol(
        Guid id, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var parent = Audience.RequireParent(http.Caller());
        var course = await session.LoadAsync<MicroCourse>(id, ct);
        if (course is null || !CoursesApi.Visible(http.Caller(), course))
        {
            throw new NotFoundException($"微课程 {id} 不存在 / Course {id} was not found.");
        }
        var enrolmentId = Parents.ParentIds.EnrolmentOf(parent.ParentId, id);
        var existing = await session.LoadAsync<Enrolment>(enrolmentId, ct);
        var events = EnrolmentDecider.Decide(
            new Enrol(enrolmentId, parent.ParentId, id, parent.SchoolId, parent.CountyCode, clock.GetUtcNow()), course, existing);

        // A racing second enrolment collides on the stream id: 409 from the problem mapping.
        return await session.Start<Enrolment, EnrolmentView>(http, enrolmentId, events, $"/api/parentschool/enrolments/{enrolmentId}",
            enrolment => EnrolmentView.Of(enrolment, course.VersionNumbered(enrolment.CourseVersion)?.Content.Lessons), ct);
    }

    /// <summary>
    /// The hot path: one read of this enrolment's stream (its inline snapshot), the pure decision, one quick append
    /// with the snapshot upsert in the same round trip. Nothing else is read; the roll-ups follow asynchronously.
    /// </summary>
    private static async Task<Ok<EnrolmentView>> CompleteLesson(
        Guid courseId, Guid lessonId, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var parent = Audience.RequireParent(http.Caller());
        var enrolmentId = Parents.ParentIds.EnrolmentOf(parent.ParentId, courseId);
        var command = new CompleteLesson(enrolmentId, lessonId, Guid.CreateVersion7(), clock.GetUtcNow());
        return await session.Change<Enrolment, EnrolmentView>(http, enrolmentId, null, e => EnrolmentDecider.Decide(command, e),
            e => EnrolmentView.Of(e), ct, inMemory: true,
            // No enrolment: 404, as its read (GET /my/courses/{courseId}) answers; never a 409 that tells a course
            // id from none.
            missing: () => new NotFoundException("您未报名此课程 / You are not enrolled in this course."));
    }

    private static async Task<Ok<Page<EnrolmentView>>> MyCourses(
        HttpContext http, IQuerySession session, int? page, int? pageSize, EnrolmentStatus? status, CourseTopic? topic,
        CancellationToken ct)
    {
        var parent = Audience.RequireParent(http.Caller());
        var paging = Paging.From(page, pageSize);
        var query = session.Query<Enrolment>().Where(e => e.ParentId == parent.ParentId);
        if (status is { } s) query = query.Where(e => e.Status == s);
        if (topic is { } t) query = query.Where(e => e.Topic == t);
        var result = await query.OrderByDescending(e => e.StartedAt).ToPageAsync(paging, ct);
        return TypedResults.Ok(result.Map(e => EnrolmentView.Of(e)));
    }

    private static async Task<Results<Ok<EnrolmentView>, NotFound, StatusCodeHttpResult>> MyCourse(
        Guid courseId, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        var parent = Audience.RequireParent(http.Caller());
        return await Detail(http, session, Parents.ParentIds.EnrolmentOf(parent.ParentId, courseId), parent, ct);
    }

    private static async Task<Results<Ok<EnrolmentView>, NotFound, StatusCodeHttpResult>> Get(
        Guid id, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        var caller = http.Caller();
        if (caller.Role != Role.Parent)
        {
            // Progress is the parent's own: staff see figures, never one parent's enrolment.
            return TypedResults.NotFound();
        }
        return await Detail(http, session, id, Audience.RequireParent(caller), ct);
    }

    private static async Task<Results<Ok<EnrolmentView>, NotFound, StatusCodeHttpResult>> Detail(
        HttpContext http, IQuerySession session, Guid enrolmentId, ParentCaller parent, CancellationToken ct)
    {
        var enrolment = await session.LoadAsync<Enrolment>(enrolmentId, ct);
        if (enrolment is null || enrolment.ParentId != parent.ParentId)
        {
            return TypedResults.NotFound();
        }
        if (http.IsNotModified(enrolment.Version))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        var course = await session.LoadAsync<MicroCourse>(enrolment.CourseId, ct);
        http.SetETag(enrolment.Version);
        return TypedResults.Ok(EnrolmentView.Of(enrolment, course?.VersionNumbered(enrolment.CourseVersion)?.Content.Lessons ?? []));
    }

    private static async Task<Results<Ok<CertificateView>, NotFound>> Verify(Guid id, IQuerySession session, CancellationToken ct)
    {
        var enrolment = await session.Query<Enrolment>().FirstOrDefaultAsync(e => e.CertificateId == id, ct);
        if (enrolment is null || enrolment.CompletedAt is not { } completedAt)
        {
            return TypedResults.NotFound();
        }
        return TypedResults.Ok(new CertificateView(id, true, enrolment.CourseId, enrolment.CourseTitle, enrolment.CourseVersion,
            enrolment.Topic, enrolment.CountyCode, completedAt));
    }
}
