using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Platform.PersonalData;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.ParentSchool.Meetings;

public sealed record ScheduleMeetingRequest(string? Title, int? Grade, string? ClassName, string? Location, DateTimeOffset? StartsAt);

public sealed record RecordAttendanceRequest(int? Invited, int? Attended, string? Notes);

public sealed record CancelRequest(string? Reason);

public sealed record ScheduleHomeVisitRequest(Guid? StudentId, string? Purpose, DateTimeOffset? PlannedAt);

public sealed record RecordHomeVisitRequest(string[]? FamilyPresent, string? Notes);

/// <summary>
/// 家长会 and 家访: scheduled by a school (its admin) or a teacher, in their own school; county and province admins
/// read them in their region; parents see their school's meetings and the home visits to their own children.
/// </summary>
public static class MeetingsApi
{
    public static IEndpointRouteBuilder MapMeetingEndpoints(this IEndpointRouteBuilder app)
    {
        var meetings = app.MapGroup("/api/parentschool/meetings").WithTags("ParentMeetings 家长会");
        meetings.MapPost("/", Schedule).WithSummary("安排家长会 / Schedule a parent meeting");
        meetings.MapPost("/{id:guid}/attendance", RecordAttendance).WithSummary("登记出席 / Record attendance");
        meetings.MapPost("/{id:guid}/cancellation", Cancel).WithSummary("取消家长会 / Cancel a meeting");
        meetings.MapGet("/{id:guid}", Get).WithSummary("家长会详情 / A meeting");
        meetings.MapGet("/", List).WithSummary("家长会列表 / Meetings");

        var visits = app.MapGroup("/api/parentschool/home-visits").WithTags("HomeVisits 家访");
        visits.MapPost("/", ScheduleVisit).WithSummary("安排家访 / Schedule a home visit");
        visits.MapPost("/{id:guid}/record", RecordVisit).WithSummary("登记家访 / Record the visit");
        visits.MapPost("/{id:guid}/cancellation", CancelVisit).WithSummary("取消家访 / Cancel a home visit");
        visits.MapGet("/{id:guid}", GetVisit).WithSummary("家访详情 / A home visit");
        visits.MapGet("/", ListVisits).WithSummary("家访列表 / Home visits");
        return app;
    }

    private static (Guid School, string County) StaffSchool(Caller caller)
    {
        if (!Audience.IsSchoolStaff(caller) || caller.SchoolId is not { } school || caller.Region.Length != 6)
        {
            throw new ForbiddenException("只有学校管理员或教师可以安排 / Only a school's admins and teachers schedule these, in their school.");
        }
        return (school, caller.Region);
    }

    private static bool Sees(Caller caller, Guid schoolId, string countyCode) =>
        Audience.IsSchoolBound(caller) ? caller.SchoolId == schoolId : caller.IsAdministration && caller.Covers(countyCode);

    private static async Task<Created<ParentMeeting>> Schedule(
        ScheduleMeetingRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation()
            .Required("title", request.Title).MaxLength("title", request.Title, 200)
            .Required("location", request.Location).MaxLength("location", request.Location, 200)
            .Required("startsAt", request.StartsAt)
            .Check(request.Grade is null or (>= 1 and <= 12), "grade", "须在 1 到 12 之间 / must be between 1 and 12")
            .MaxLength("className", request.ClassName, 50)
            .ThrowIfInvalid();
        var (school, county) = StaffSchool(caller);
        var now = clock.GetUtcNow();
        new Validation().Check(request.StartsAt > now, "startsAt", "须在将来 / must be in the future").ThrowIfInvalid();
        var scheduled = new ParentMeetingScheduled(Guid.CreateVersion7(), school, county, request.Title!.Trim(), request.Grade,
            request.ClassName?.Trim(), request.Location!.Trim(), request.StartsAt!.Value, caller.Subject, now);
        var version = await session.StartStream<ParentMeeting>(scheduled.MeetingId, ParentMeetingDecider.Decide(scheduled, null), ct);
        http.SetETag(version);
        return TypedResults.Created($"/api/parentschool/meetings/{scheduled.MeetingId}",
            (await session.LoadAsync<ParentMeeting>(scheduled.MeetingId, ct))!);
    }

    private static async Task<Ok<ParentMeeting>> RecordAttendance(
        Guid id, RecordAttendanceRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        var expected = http.ExpectedVersion();
        new Validation()
            .Required("invited", request.Invited).Check(request.Invited is null or >= 0, "invited", "不能为负 / cannot be negative")
            .Required("attended", request.Attended).Check(request.Attended is null or >= 0, "attended", "不能为负 / cannot be negative")
            .MaxLength("notes", request.Notes, 2000)
            .ThrowIfInvalid();
        await OwnMeeting(session, caller, id, ct);
        var version = await session.Decide<ParentMeeting>(id, expected, m => ParentMeetingDecider.Decide(
            new RecordMeetingAttendance(id, request.Invited!.Value, request.Attended!.Value, request.Notes?.Trim(), caller.Subject,
                clock.GetUtcNow()), m), ct);
        http.SetETag(version);
        return TypedResults.Ok((await session.LoadAsync<ParentMeeting>(id, ct))!);
    }

    private static async Task<Ok<ParentMeeting>> Cancel(
        Guid id, CancelRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        var expected = http.ExpectedVersion();
        new Validation().Required("reason", request.Reason).MaxLength("reason", request.Reason, 500).ThrowIfInvalid();
        await OwnMeeting(session, caller, id, ct);
        var version = await session.Decide<ParentMeeting>(id, expected, m => ParentMeetingDecider.Decide(
            new CancelParentMeeting(id, request.Reason!.Trim(), caller.Subject, clock.GetUtcNow()), m), ct);
        http.SetETag(version);
        return TypedResults.Ok((await session.LoadAsync<ParentMeeting>(id, ct))!);
    }

    private static async Task OwnMeeting(IQuerySession session, Caller caller, Guid id, CancellationToken ct)
    {
        var meeting = await session.LoadAsync<ParentMeeting>(id, ct);
        if (meeting is null || !Sees(caller, meeting.SchoolId, meeting.CountyCode))
        {
            throw new NotFoundException($"家长会 {id} 不存在 / Meeting {id} was not found.");
        }
        if (!Audience.IsSchoolStaff(caller))
        {
            throw new ForbiddenException("只有本校管理员或教师可以修改 / Only the school's admins and teachers change a meeting.");
        }
    }

    private static async Task<Results<Ok<ParentMeeting>, NotFound, StatusCodeHttpResult>> Get(
        Guid id, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        var meeting = await session.LoadAsync<ParentMeeting>(id, ct);
        if (meeting is null || !Sees(http.Caller(), meeting.SchoolId, meeting.CountyCode))
        {
            return TypedResults.NotFound();
        }
        if (http.IsNotModified(meeting.Version)) return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        http.SetETag(meeting.Version);
        return TypedResults.Ok(meeting);
    }

    private static async Task<Ok<Page<ParentMeeting>>> List(
        HttpContext http, IQuerySession session, int? page, int? pageSize, MeetingStatus? status, int? grade,
        DateTimeOffset? from, DateTimeOffset? to, Guid? schoolId, CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        IQueryable<ParentMeeting> query = session.Query<ParentMeeting>();
        if (Audience.IsSchoolBound(caller))
        {
            var school = caller.SchoolId ?? Guid.Empty;
            query = query.Where(m => m.SchoolId == school);
        }
        else if (caller.IsAdministration)
        {
            var region = caller.Region;
            query = query.Where(m => m.CountyCode.StartsWith(region));
        }
        else
        {
            throw new ForbiddenException("家长会仅向学校、家长与教育行政部门开放 / Meetings are for schools, parents and education authorities.");
        }
        if (schoolId is { } sid) query = query.Where(m => m.SchoolId == sid);
        if (status is { } s) query = query.Where(m => m.Status == s);
        if (grade is { } g) query = query.Where(m => m.Grade == g);
        if (from is { } f) query = query.Where(m => m.StartsAt >= f);
        if (to is { } t) query = query.Where(m => m.StartsAt < t);
        return TypedResults.Ok(await query.OrderBy(m => m.StartsAt).ToPageAsync(paging, ct));
    }

    private static async Task<Created<HomeVisitView>> ScheduleVisit(
        ScheduleHomeVisitRequest request, HttpContext http, IDocumentSession session, IMasterKey master, TimeProvider clock,
        CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation()
            .Check(request.StudentId is { } s && s != Guid.Empty, "studentId", "必填 / is required")
            .Required("purpose", request.Purpose).MaxLength("purpose", request.Purpose, 500)
            .Required("plannedAt", request.PlannedAt)
            .ThrowIfInvalid();
        var (school, county) = StaffSchool(caller);
        var scheduled = new HomeVisitScheduled(Guid.CreateVersion7(), school, county, request.StudentId!.Value,
            request.Purpose!.Trim(), request.PlannedAt!.Value, caller.Subject, clock.GetUtcNow());
        // What the visit says of the child and family is sealed with the student's key (docs/design.md 17).
        var key = await PersonalDataVault.KeyOfPersonAsync(session, master, scheduled.StudentId, scheduled.At, ct);
        var version = await session.StartStream<HomeVisit>(scheduled.VisitId,
            HomeVisitView.Sealed(HomeVisitDecider.Decide(scheduled, null), key, scheduled.StudentId), ct);
        http.SetETag(version);
        return TypedResults.Created($"/api/parentschool/home-visits/{scheduled.VisitId}",
            HomeVisitView.Of((await session.LoadAsync<HomeVisit>(scheduled.VisitId, ct))!, key));
    }

    private static async Task<Ok<HomeVisitView>> RecordVisit(
        Guid id, RecordHomeVisitRequest request, HttpContext http, IDocumentSession session, IMasterKey master, TimeProvider clock,
        CancellationToken ct)
    {
        var caller = http.Caller();
        var expected = http.ExpectedVersion();
        new Validation()
            .Check(request.FamilyPresent is { Length: > 0 } && request.FamilyPresent.All(p => !string.IsNullOrWhiteSpace(p)),
                "familyPresent", "至少一位家庭成员 / at least one family member present")
            .Required("notes", request.Notes).MaxLength("notes", request.Notes, 5000)
            .ThrowIfInvalid();
        var visit = await OwnVisit(session, caller, id, ct);
        var key = await PersonalDataVault.KeyOfPersonAsync(session, master, visit.StudentId, clock.GetUtcNow(), ct);
        var version = await session.Decide<HomeVisit>(id, expected, v => HomeVisitView.Sealed(HomeVisitDecider.Decide(
            new RecordHomeVisit(id, request.FamilyPresent!.Select(p => p.Trim()).ToArray(), request.Notes!.Trim(), caller.Subject,
                clock.GetUtcNow()), v), key, visit.StudentId), ct);
        http.SetETag(version);
        return TypedResults.Ok(HomeVisitView.Of((await session.LoadAsync<HomeVisit>(id, ct))!, key));
    }

    private static async Task<Ok<HomeVisitView>> CancelVisit(
        Guid id, CancelRequest request, HttpContext http, IDocumentSession session, IMasterKey master, TimeProvider clock,
        CancellationToken ct)
    {
        var caller = http.Caller();
        var expected = http.ExpectedVersion();
        new Validation().Required("reason", request.Reason).MaxLength("reason", request.Reason, 500).ThrowIfInvalid();
        var visit = await OwnVisit(session, caller, id, ct);
        var version = await session.Decide<HomeVisit>(id, expected, v => HomeVisitDecider.Decide(
            new CancelHomeVisit(id, request.Reason!.Trim(), caller.Subject, clock.GetUtcNow()), v), ct);
        http.SetETag(version);
        return TypedResults.Ok(HomeVisitView.Of((await session.LoadAsync<HomeVisit>(id, ct))!,
            await PersonalDataVault.LoadKeyAsync(session, master, visit.StudentId, ct)));
    }

    /// <summary>A home visit is need-to-know: the teacher who makes it, the school's admins, the child's own parents.</summary>
    private static bool SeesVisit(Caller caller, HomeVisit visit) => caller.Role switch
    {
        Role.Parent => caller.IsParentOf(visit.StudentId),
        Role.SchoolAdmin => caller.SchoolId == visit.SchoolId,
        Role.Teacher => caller.SchoolId == visit.SchoolId && visit.Teacher == caller.Subject,
        _ => false,
    };

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
        return TypedResults.Ok(new Page<HomeVisitView>(
            result.Items.Select(v => HomeVisitView.Of(v, keys.GetValueOrDefault(v.StudentId))).ToList(),
            result.PageNumber, result.PageSize, result.Total));
    }
}
