using JiaoLianTi.Platform.AlliancesReplica;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Platform.PersonalData;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.ParentSchool.Meetings;

/// <summary>
/// <paramref name="StudentName"/>: the child's name as the school knows it, so that the teacher knows whom the visit is
/// for (optional; sealed with the child's key).
/// </summary>
public sealed record ScheduleHomeVisitRequest(Guid? StudentId, string? Purpose, DateTimeOffset? PlannedAt, string? StudentName = null);

public sealed record RecordHomeVisitRequest(string[]? FamilyPresent, string? Notes);

/// <summary>
/// 家访: scheduled by a school's admin or a teacher, in their own school; need-to-know: the visiting teacher, the
/// school's admins and the child's own parents.
/// </summary>
public static class HomeVisitsApi
{
    public static IEndpointRouteBuilder MapHomeVisitEndpoints(this IEndpointRouteBuilder app)
    {
        var visits = app.MapGroup("/api/parentschool/home-visits").WithTags("HomeVisits 家访");
        visits.MapPost("/", ScheduleVisit).WithSummary("安排家访 / Schedule a home visit");
        visits.MapPost("/{id:guid}/record", RecordVisit).WithSummary("登记家访 / Record the visit");
        visits.MapPost("/{id:guid}/cancellation", CancelVisit).WithSummary("取消家访 / Cancel a home visit");
        visits.MapGet("/{id:guid}", GetVisit).WithSummary("家访详情 / A home visit");
        visits.MapGet("/", ListVisits).WithSummary("家访列表 / Home visits");
        return app;
    }

    private static async Task<Created<HomeVisitView>> ScheduleVisit(
        ScheduleHomeVisitRequest request, HttpContext http, IDocumentSession session, IMasterKey master, TimeProvider clock,
        CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation()
            .Check(request.StudentId is { } s && s != Guid.Empty, "studentId", "必填 / is required")
            .Required("purpose", request.Purpose).MaxLength("purpose", request.Purpose, 500)
            .MaxLength("studentName", request.StudentName, 50)
            .Required("plannedAt", request.PlannedAt)
            .ThrowIfInvalid();
        var (school, county) = MeetingsApi.StaffSchool(caller);
        var scheduled = new HomeVisitScheduled(Guid.CreateVersion7(), school, county, request.StudentId!.Value,
            request.Purpose!.Trim(), request.PlannedAt!.Value, caller.Subject, clock.GetUtcNow(),
            StudentName: string.IsNullOrWhiteSpace(request.StudentName) ? null : request.StudentName.Trim());
        // What the visit says of the child and family is sealed with the student's key (docs/design.md 17).
        var key = await PersonalDataVault.KeyOfPersonAsync(session, master, scheduled.StudentId, scheduled.At, ct);
        return await session.Start<HomeVisit, HomeVisitView>(http, scheduled.VisitId,
            HomeVisitView.Sealed(HomeVisitDecider.Decide(scheduled, null), key, scheduled.StudentId),
            $"/api/parentschool/home-visits/{scheduled.VisitId}", visit => HomeVisitView.Of(visit, key), ct);
    }

    private static async Task<Ok<HomeVisitView>> RecordVisit(
        Guid id, RecordHomeVisitRequest request, HttpContext http, IDocumentSession session, IMasterKey master, TimeProvider clock,
        CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation()
            .Check(request.FamilyPresent is { Length: > 0 } && request.FamilyPresent.All(p => !string.IsNullOrWhiteSpace(p)),
                "familyPresent", "至少一位家庭成员 / at least one family member present")
            .Required("notes", request.Notes).MaxLength("notes", request.Notes, 5000)
            .ThrowIfInvalid();
        var visit = await OwnVisit(session, caller, id, ct);
        var key = await PersonalDataVault.KeyOfPersonAsync(session, master, visit.StudentId, clock.GetUtcNow(), ct);
        var command = new RecordHomeVisit(id, request.FamilyPresent!.Select(p => p.Trim()).ToArray(), request.Notes!.Trim(),
            caller.Subject, clock.GetUtcNow());
        return await session.Change<HomeVisit, HomeVisitView>(http, id, null,
            v => HomeVisitView.Sealed(HomeVisitDecider.Decide(command, v), key, visit.StudentId), v => HomeVisitView.Of(v, key), ct);
    }

    private static async Task<Ok<HomeVisitView>> CancelVisit(
        Guid id, CancelRequest request, HttpContext http, IDocumentSession session, IMasterKey master, TimeProvider clock,
        CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation().Required("reason", request.Reason).MaxLength("reason", request.Reason, 500).ThrowIfInvalid();
        var visit = await OwnVisit(session, caller, id, ct);
        var key = await PersonalDataVault.LoadKeyAsync(session, master, visit.StudentId, ct);
        var command = new CancelHomeVisit(id, request.Reason!.Trim(), caller.Subject, clock.GetUtcNow());
        return await session.Change<HomeVisit, HomeVisitView>(http, id, null, v => HomeVisitDecider.Decide(command, v),
            v => HomeVisitView.Of(v, key), ct);
    }

    /// <summary>A home visit is need-to-know: the teacher who makes it, the school's admins, the child's own parents.</summary>
    private static bool SeesVisit(Caller caller, HomeVisit visit) => caller.Role switch
    {
        Role.Parent => caller.IsParentOf(visit.StudentId),
        Role.SchoolAdmin => caller.SchoolId == visit.SchoolId,
        Role.Teacher => caller.SchoolId == visit.SchoolId && visit.Teacher == caller.Subject,
        _ => false,
    };

    /// <summary>The authorise step: only the visit's own teacher or the school's admins change it (404 for anyone else).</summary>
    private static async Task<HomeVisit> OwnVisit(IQuerySession session, Caller caller, Guid id, CancellationToken ct)
    {
        var visit = await session.LoadAsync<HomeVisit>(id, ct);
        if (visit is null || !SeesVisit(caller, visit) || caller.Role == Role.Parent)
        {
            throw new NotFoundException($"家访 {id} 不存在 / Home visit {id} was not found.");
        }
        return visit;
    }

    private static async Task<Results<Ok<HomeVisitView>, NotFound, StatusCodeHttpResult>> GetVisit(
        Guid id, HttpContext http, IQuerySession session, IMasterKey master, CancellationToken ct)
    {
        var visit = await session.LoadAsync<HomeVisit>(id, ct);
        if (visit is null || !SeesVisit(http.Caller(), visit))
        {
            return TypedResults.NotFound();
        }
        if (http.IsNotModified(visit.Version)) return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        http.SetETag(visit.Version);
        return TypedResults.Ok(HomeVisitView.Of(visit, await PersonalDataVault.LoadKeyAsync(session, master, visit.StudentId, ct)));
    }

    private static async Task<Ok<Page<HomeVisitView>>> ListVisits(
        HttpContext http, IQuerySession session, IMasterKey master, int? page, int? pageSize, HomeVisitStatus? status,
        Guid? studentId, CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        IQueryable<HomeVisit> query = session.Query<HomeVisit>();
        if (caller.Role == Role.Parent)
        {
            var children = caller.Children.ToArray();
            query = query.Where(v => children.Contains(v.StudentId));
        }
        else if (caller.Role == Role.SchoolAdmin && caller.SchoolId is { } school)
        {
            query = query.Where(v => v.SchoolId == school);
        }
        else if (caller.Role == Role.Teacher && caller.SchoolId is { } own)
        {
            var teacher = caller.Subject;
            query = query.Where(v => v.SchoolId == own && v.Teacher == teacher);
        }
        else
        {
            throw new ForbiddenException("家访记录仅向本校教师与孩子的家长开放 / Home visits are for the school's staff and the child's parents.");
        }
        if (status is { } s) query = query.Where(v => v.Status == s);
        if (studentId is { } st) query = query.Where(v => v.StudentId == st);
        var result = await query.OrderByDescending(v => v.PlannedAt).ToPageAsync(paging, ct);
        var keys = await PersonalDataVault.LoadKeysAsync(session, master, result.Items.Select(v => v.StudentId), ct);
        var names = await session.NamesAsync(result.Items.Select(v => (Guid?)v.SchoolId), ct);
        return TypedResults.Ok(result.Map(v => HomeVisitView.Of(v, keys.GetValueOrDefault(v.StudentId)) with
        {
            SchoolName = names.GetValueOrDefault(v.SchoolId),
        }));
    }
}
