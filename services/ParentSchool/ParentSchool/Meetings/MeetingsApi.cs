using JiaoLianTi.Platform.AlliancesReplica;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.ParentSchool.Meetings;

public sealed record ScheduleMeetingRequest(string? Title, int? Grade, string? ClassName, string? Location, DateTimeOffset? StartsAt);

public sealed record RecordAttendanceRequest(int? Invited, int? Attended, string? Notes);

public sealed record CancelRequest(string? Reason);

/// <summary>
/// 家长会: scheduled by a school (its admin) or a teacher, in their own school; county and province admins read them in
/// their region; parents see their school's meetings. Home visits (家访) are in <see cref="HomeVisitsApi"/>.
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
        return app;
    }

    internal static (Guid School, string County) StaffSchool(Caller caller)
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
        return await session.Start<ParentMeeting>(http, scheduled.MeetingId, ParentMeetingDecider.Decide(scheduled, null),
            $"/api/parentschool/meetings/{scheduled.MeetingId}", ct);
    }

    private static async Task<Ok<ParentMeeting>> RecordAttendance(
        Guid id, RecordAttendanceRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation()
            .Required("invited", request.Invited).Check(request.Invited is null or >= 0, "invited", "不能为负 / cannot be negative")
            .Required("attended", request.Attended).Check(request.Attended is null or >= 0, "attended", "不能为负 / cannot be negative")
            .MaxLength("notes", request.Notes, 2000)
            .ThrowIfInvalid();
        var command = new RecordMeetingAttendance(id, request.Invited!.Value, request.Attended!.Value, request.Notes?.Trim(),
            caller.Subject, clock.GetUtcNow());
        return await session.Change<ParentMeeting>(http, id, OwnMeeting(caller), m => ParentMeetingDecider.Decide(command, m), ct);
    }

    private static async Task<Ok<ParentMeeting>> Cancel(
        Guid id, CancelRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation().Required("reason", request.Reason).MaxLength("reason", request.Reason, 500).ThrowIfInvalid();
        var command = new CancelParentMeeting(id, request.Reason!.Trim(), caller.Subject, clock.GetUtcNow());
        return await session.Change<ParentMeeting>(http, id, OwnMeeting(caller), m => ParentMeetingDecider.Decide(command, m), ct);
    }

    /// <summary>The authorise step: the meeting is the caller's school's (404), and the caller its staff (403).</summary>
    private static Action<ParentMeeting> OwnMeeting(Caller caller) => meeting =>
    {
        if (!Sees(caller, meeting.SchoolId, meeting.CountyCode))
        {
            throw new NotFoundException($"家长会 {meeting.Id} 不存在 / Meeting {meeting.Id} was not found.");
        }
        if (!Audience.IsSchoolStaff(caller))
        {
            throw new ForbiddenException("只有本校管理员或教师可以修改 / Only the school's admins and teachers change a meeting.");
        }
    };

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
        var meetings = await query.OrderBy(m => m.StartsAt).ToPageAsync(paging, ct);
        var names = await session.NamesAsync(meetings.Items.Select(m => (Guid?)m.SchoolId), ct);
        return TypedResults.Ok(meetings.Map(m => m with { SchoolName = names.GetValueOrDefault(m.SchoolId) }));
    }
}
