using System.Globalization;
using JiaoLianTi.Activities.Activities;
using JiaoLianTi.Activities.Dimensions;
using JiaoLianTi.Platform.AlliancesReplica;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Platform.PersonalData;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.Activities.Programmes;

/// <summary>The body of <c>POST /api/activities/programmes</c>.</summary>
/// <param name="Term"><c>2026-autumn</c> or <c>2027-spring</c>.</param>
/// <param name="StartTime">China time, <c>HH:mm</c> (e.g. <c>15:30</c>).</param>
/// <param name="ResourceId">For a member unit: the resource of the catalogue it gives the programme with.</param>
/// <param name="ProviderName">For the school's own staff: who (e.g. 本校体育组).</param>
public sealed record CreateProgrammeRequest(
    string? Term, string? Title, IReadOnlyList<DayOfWeek>? Weekdays, string? StartTime, string? EndTime, int? Places,
    ProviderKind? ProviderKind, Guid? ResourceId, string? ProviderName, IReadOnlyList<Dimension>? Dimensions, Guid? BaseId);

public sealed record ChangeProviderRequest(ProviderKind? ProviderKind, Guid? ResourceId, string? ProviderName);

public sealed record CancelProgrammeRequest(string? Reason);

/// <summary>The body of an enrolment: the parent's own child, with the name and class the school knows them by.</summary>
public sealed record EnrolRequest(Guid? StudentId, string? DisplayName, string? ClassName);

public sealed record AttendanceSheet(IReadOnlyList<Guid>? Present);

/// <summary>The answer to an enrolment: enrolled, or waitlisted at a position (1 = next to get a place).</summary>
public sealed record EnrolmentAnswer(Guid ProgrammeId, Guid StudentId, EnrolmentStatus Status, int? WaitlistPosition, int Version);

/// <summary>An enrolment as read: the programme, the student's name and class as the parent gave them.</summary>
public sealed record EnrolmentView(
    Guid ProgrammeId, string? ProgrammeTitle, string? Term, Guid StudentId, string? DisplayName, string? ClassName,
    EnrolmentStatus Status, long Sequence, DateTimeOffset EnrolledAt, int SessionsAttended, int Version);

public sealed record SessionView(Guid ProgrammeId, DateOnly Date, IReadOnlyList<Guid> Present, int Version);

public static class ProgrammesApi
{
    public const int MaxPlaces = 2_000;

    public static RouteGroupBuilder MapProgrammeEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/activities/programmes").WithTags("Programmes 课后服务");
        group.MapPost("/", Create).WithSummary("创建课后服务项目（草稿） / Create an after-school programme (draft)");
        group.MapGet("/", List).WithSummary("课后服务项目 / The programmes in the caller's scope");
        group.MapGet("/{id:guid}", Get).WithSummary("课后服务项目详情 / A programme: places left, waitlist, sessions held, provider hours");
        group.MapPost("/{id:guid}/open", Open).WithSummary("开放报名 / Open for enrolment");
        group.MapPost("/{id:guid}/close", Close).WithSummary("截止报名（课程照常） / Close enrolment (sessions go on)");
        group.MapPost("/{id:guid}/cancel", Cancel).WithSummary("取消项目 / Cancel the programme, with a reason");
        group.MapPost("/{id:guid}/provider", Provider)
            .WithSummary("更换提供方（成员单位资源或本校教师） / Change the provider (a member unit's resource or the school's own staff)");
        group.MapPost("/{id:guid}/enrolments", Enrol)
            .WithSummary("家长为孩子报名整学期：有名额即录取，否则按序候补 / A parent enrols their child for the term: a place while places remain, else the waitlist in order");
        group.MapGet("/{id:guid}/enrolments", Roster).WithSummary("报名名单 / The roster (the school, the provider, the bureau)");
        group.MapGet("/{id:guid}/enrolments/{studentId:guid}", GetEnrolment).WithSummary("一条报名 / One enrolment");
        group.MapPost("/{id:guid}/enrolments/{studentId:guid}/withdraw", Withdraw)
            .WithSummary("退出（候补第一位递补） / Withdraw (the first waiting takes the place)");
        group.MapPut("/{id:guid}/sessions/{date}/attendance", Attendance)
            .WithSummary("记录某次课的考勤 / Record who was present at one session");
        group.MapGet("/{id:guid}/sessions/{date}", Session).WithSummary("某次课的考勤 / One session's attendance");
        app.MapGet("/api/activities/students/{studentId:guid}/programmes", OfStudent).WithTags("Programmes 课后服务")
            .WithSummary("学生的课后服务 / A student's programmes (parents, the school)");
        return group;
    }

    private static async Task<Created<ProgrammeView>> Create(
        CreateProgrammeRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        var (start, end) = (Time(request.StartTime), Time(request.EndTime));
        new Validation()
            .Required("term", request.Term)
            .Check(request.Term is null || Terms.TryParse(request.Term, out _, out _), "term", Terms.Invalid)
            .Required("title", request.Title).MaxLength("title", request.Title, 200)
            .Check(request.Weekdays is { Count: > 0 } && request.Weekdays.All(Enum.IsDefined), "weekdays",
                "须列出上课的星期（Monday 至 Friday） / must list the weekdays it meets, Monday to Friday")
            .Check(start is not null, "startTime", "须为 HH:mm / must be a time as HH:mm")
            .Check(end is not null, "endTime", "须为 HH:mm / must be a time as HH:mm")
            .Check(start is null || end is null || end > start, "endTime", "须晚于 startTime / must be after startTime")
            .Required("places", request.Places)
            .Check(request.Places is null or (>= 1 and <= MaxPlaces), "places", $"须在 1 到 {MaxPlaces} 之间 / must be between 1 and {MaxPlaces}")
            .Check(request.Dimensions is { Count: > 0 } && request.Dimensions.All(Enum.IsDefined), "dimensions",
                "须注明所属五育（Moral、Intellectual、Physical、Aesthetic、Labour） / must name the dimensions it serves (Moral, Intellectual, Physical, Aesthetic, Labour)")
            .ThrowIfInvalid();
        if (!caller.IsStaff() || caller.SchoolId is null)
        {
            throw new ForbiddenException("课后服务项目由本校管理员或教师创建 / A school's admins and teachers create its programmes.");
        }
        var school = await session.SchoolAsync(caller.SchoolId.Value, ct)
            ?? throw new RuleViolation("school-unknown", "您的学校尚未在教联体成员单位中登记 / Your school is not (yet) registered as an alliance member unit.");
        var provider = await ProviderAsync(session, caller, school.CountyCode, request.ProviderKind, request.ResourceId, request.ProviderName, ct);
        await Bases.MustBeKnownAsync(session, caller, request.BaseId, ct);

        var command = new CreateProgramme(Guid.CreateVersion7(), school.Id, school.CountyCode, request.Term!, request.Title!,
            request.Weekdays!, start!.Value, end!.Value, request.Places!.Value, provider, request.Dimensions!, request.BaseId,
            caller.Subject, clock.GetUtcNow());
        var events = ProgrammeDecider.Decide(command, null);
        await session.StartStream<Programme>(command.ProgrammeId, events, ct);
        // The ETag is the programme's revision, not the stream's version (as for an activity).
        var view = (await session.LoadAsync<ProgrammeView>(command.ProgrammeId, ct))!;
        return http.Created($"/api/activities/programmes/{command.ProgrammeId}", view, view.Revision);
    }

    private static async Task<Ok<Page<ProgrammeView>>> List(
        HttpContext http, IQuerySession session, int? page, int? pageSize, string? term, Guid? school, string? county,
        ProgrammeStatus? status, bool? flagged, Guid? provider, Dimension? dimension, CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        new Validation()
            .Check(term is null || Terms.TryParse(term, out _, out _), "term", Terms.Invalid)
            .Check(county is null || Regions.IsRegionPrefix(county), "county", "不是行政区划代码前缀 / is not a division code prefix")
            .ThrowIfInvalid();
        var query = session.Query<ProgrammeView>().AsQueryable();
        query = caller.Role switch
        {
            Role.ProvinceAdmin or Role.CityAdmin or Role.CountyAdmin => query.Where(p => p.CountyCode.StartsWith(caller.Region)),
            Role.SchoolAdmin or Role.Teacher or Role.Counsellor => query.Where(p => p.SchoolId == caller.SchoolId),
            Role.MemberOfficer => query.Where(p => p.ProviderUnitId == caller.MemberUnitId && p.ProviderUnitId != null),
            Role.Parent => query.Where(p => p.CountyCode.StartsWith(caller.Region)
                && (p.Status == ProgrammeStatus.Open || p.Status == ProgrammeStatus.Closed)),
            _ => query.Where(p => false),
        };
        if (caller.Role == Role.Parent && caller.SchoolId is { } own) query = query.Where(p => p.SchoolId == own);
        if (term is not null) query = query.Where(p => p.Term == term);
        if (school is { } s) query = query.Where(p => p.SchoolId == s);
        if (!string.IsNullOrEmpty(county)) query = query.Where(p => p.CountyCode.StartsWith(county));
        if (status is { } st) query = query.Where(p => p.Status == st);
        if (provider is { } u) query = query.Where(p => p.ProviderUnitId == u);
        if (dimension is { } d) query = query.Where(p => p.Dimensions.Contains(d));
        // Flagged: the provider left its alliance and the school has not yet decided.
        if (flagged == true) query = query.Where(p => p.ProviderLeftAt != null && p.Status != ProgrammeStatus.Cancelled);
        return TypedResults.Ok(await query.OrderBy(p => p.Title).ThenBy(p => p.Id).ToPageAsync(paging, ct));
    }

    private static async Task<Results<Ok<ProgrammeView>, StatusCodeHttpResult>> Get(
        Guid id, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        var view = http.Caller().MustSee(await session.LoadAsync<ProgrammeView>(id, ct), id);
        return http.Versioned(view, view.Revision);
    }

    private static async Task<Ok<ProgrammeView>> Open(
        Guid id, HttpContext http, IQuerySession session, ProgrammeWriter writer, TimeProvider clock, CancellationToken ct)
    {
        var caller = await Runner(id, http, session, ct);
        var command = new OpenProgramme(id, Revision(http), caller.Subject, clock.GetUtcNow());
        return await writer.Change(http, session, id, state => ProgrammeDecider.Decide(command, state), ct);
    }

    private static async Task<Ok<ProgrammeView>> Close(
        Guid id, HttpContext http, IQuerySession session, ProgrammeWriter writer, TimeProvider clock, CancellationToken ct)
    {
        var caller = await Runner(id, http, session, ct);
        var command = new CloseProgramme(id, Revision(http), caller.Subject, clock.GetUtcNow());
        return await writer.Change(http, session, id, state => ProgrammeDecider.Decide(command, state), ct);
    }

    private static async Task<Ok<ProgrammeView>> Cancel(
        Guid id, CancelProgrammeRequest? request, HttpContext http, IQuerySession session, ProgrammeWriter writer,
        TimeProvider clock, CancellationToken ct)
    {
        new Validation().Required("reason", request?.Reason).MaxLength("reason", request?.Reason, 500).ThrowIfInvalid();
        var caller = await Runner(id, http, session, ct);
        var command = new CancelProgramme(id, Revision(http), request!.Reason!, caller.Subject, clock.GetUtcNow());
        return await writer.Change(http, session, id, state => ProgrammeDecider.Decide(command, state), ct);
    }

    private static async Task<Ok<ProgrammeView>> Provider(
        Guid id, ChangeProviderRequest request, HttpContext http, IQuerySession session, ProgrammeWriter writer,
        TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        var view = caller.MustRun(await session.LoadAsync<ProgrammeView>(id, ct), id);
        var provider = await ProviderAsync(session, caller, view.CountyCode, request.ProviderKind, request.ResourceId, request.ProviderName, ct);
        var command = new ChangeProvider(id, Revision(http), provider, caller.Subject, clock.GetUtcNow());
        return await writer.Change(http, session, id, state => ProgrammeDecider.Decide(command, state), ct);
    }

    private static async Task<Results<Created<EnrolmentAnswer>, Ok<EnrolmentAnswer>>> Enrol(
        Guid id, EnrolRequest request, HttpContext http, ProgrammeWriter writer, IDocumentStore store, IMasterKey master,
        TimeProvider clock)
    {
        var caller = http.Caller();
        var now = clock.GetUtcNow();
        new Validation()
            .Required("studentId", request.StudentId)
            .Check(request.StudentId != Guid.Empty, "studentId", "不能为空 ID / must not be the empty id")
            .Required("displayName", request.DisplayName).MaxLength("displayName", request.DisplayName, 50)
            .MaxLength("className", request.ClassName, 50)
            .ThrowIfInvalid();
        var studentId = request.StudentId!.Value;
        if (caller.Role != Role.Parent)
        {
            throw new ForbiddenException("课后服务由家长为孩子报名 / Parents enrol their children in after-school programmes.");
        }
        if (!caller.IsParentOf(studentId))
        {
            throw new ForbiddenException("家长只能为自己的孩子报名 / Parents enrol only their own children.");
        }
        // A programme is its school's: the child's school is the one the parent's token names (a programme of another
        // school is not visible to them: 404 below).
        if (caller.SchoolId is null)
        {
            throw new ForbiddenException("令牌未注明孩子的学校，无法报名 / Your token does not name your child's school, so the child cannot be enrolled.");
        }
        var student = new EnrolledStudent(request.DisplayName!.Trim(), request.ClassName?.Trim());
        // The name and class are stored sealed with the student's own key (docs/design.md 17).
        var key = await PersonalDataVault.EnsureKeyOfPersonAsync(store, master, studentId, now, http.RequestAborted);
        var stored = student.SealedWith(key, studentId);
        var (answer, created) = await writer.Submit(id,
            state =>
            {
                if (!caller.CanSee(state))
                {
                    throw ProgrammeScope.NotFound(id);
                }
                return ProgrammeDecider.Decide(new Enrol(id, studentId, stored, caller.Subject, now), state);
            },
            (state, events) => (Answer(state, studentId), events.Count > 0));
        return created
            ? http.Created($"/api/activities/programmes/{id}/enrolments/{studentId}", answer, answer.Version)
            : http.Changed(answer, answer.Version);
    }

    private static async Task<Ok<Page<EnrolmentView>>> Roster(
        Guid id, HttpContext http, IQuerySession session, IMasterKey master, int? page, int? pageSize,
        EnrolmentStatus? status, CancellationToken ct)
    {
        var caller = http.Caller();
        var view = caller.MustSee(await session.LoadAsync<ProgrammeView>(id, ct), id);
        if (!caller.CanRun(view) && !caller.IsProviderOf(view) && caller.Role != Role.Counsellor && !caller.IsAdministration)
        {
            throw new ForbiddenException("名单仅学校、提供方和教育行政部门可见 / Only the school, the provider and the bureau read the roster.");
        }
        var query = session.Query<ProgrammeEnrolment>().Where(e => e.ProgrammeId == id);
        if (status is { } s) query = query.Where(e => e.Status == s);
        var result = await query.OrderBy(e => e.Sequence).ToPageAsync(Paging.From(page, pageSize), ct);
        return TypedResults.Ok(result.With(await Views(session, master, result.Items, ct)));
    }

    private static async Task<Results<Ok<EnrolmentView>, StatusCodeHttpResult>> GetEnrolment(
        Guid id, Guid studentId, HttpContext http, IQuerySession session, IMasterKey master, CancellationToken ct)
    {
        var (_, enrolment) = await MaySee(id, studentId, http, session, ct);
        return http.Versioned((await Views(session, master, [enrolment], ct))[0], enrolment.EnrolmentVersion);
    }

    private static async Task<Ok<EnrolmentAnswer>> Withdraw(
        Guid id, Guid studentId, HttpContext http, IQuerySession session, ProgrammeWriter writer, TimeProvider clock,
        CancellationToken ct)
    {
        var (caller, _) = await MaySee(id, studentId, http, session, ct);
        var view = (await session.LoadAsync<ProgrammeView>(id, ct))!;
        if (!caller.IsParentOf(studentId) && !caller.CanRun(view))
        {
            throw new ForbiddenException("只有家长或本校管理员、教师可以退出 / Only the parent or the school's staff may withdraw an enrolment.");
        }
        var command = new WithdrawEnrolment(id, studentId, (int)http.ExpectedVersion(), caller.Subject, clock.GetUtcNow());
        var after = await writer.Submit(id, state => ProgrammeDecider.Decide(command, state), (state, _) => Answer(state, studentId));
        return http.Changed(after, after.Version);
    }

    private static async Task<Results<Created<SessionView>, Ok<SessionView>>> Attendance(
        Guid id, string date, AttendanceSheet sheet, HttpContext http, IQuerySession session, ProgrammeWriter writer,
        TimeProvider clock, CancellationToken ct)
    {
        var day = ParseDate(date);
        new Validation()
            .Check(sheet.Present is not null, "present", "须列出到课学生（可为空列表） / must list the students present (an empty list if none)")
            .Check(sheet.Present is null || sheet.Present.Count <= MaxPlaces, "present", $"至多 {MaxPlaces} 人 / at most {MaxPlaces}")
            .ThrowIfInvalid();
        var caller = http.Caller();
        var view = caller.MustSee(await session.LoadAsync<ProgrammeView>(id, ct), id);
        if (!caller.CanRun(view) && !caller.IsProviderOf(view))
        {
            throw new ForbiddenException("考勤由本校教师或提供方记录 / Attendance is recorded by the school's staff or the provider.");
        }
        int? expected = string.IsNullOrWhiteSpace(http.Request.Headers.IfMatch) ? null : (int)http.ExpectedVersion();
        var command = new RecordSessionAttendance(id, day, sheet.Present!, expected, caller.Subject, clock.GetUtcNow());
        var (answer, first) = await writer.Submit(id, state => ProgrammeDecider.Decide(command, state),
            (state, events) => (SessionOf(state, day)!, events is [SessionAttendanceRecorded { First: true }]));
        return first
            ? http.Created($"/api/activities/programmes/{id}/sessions/{Programme.Key(day)}", answer, answer.Version)
            : http.Changed(answer, answer.Version);
    }

    private static async Task<Results<Ok<SessionView>, StatusCodeHttpResult>> Session(
        Guid id, string date, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        var day = ParseDate(date);
        var caller = http.Caller();
        var view = caller.MustSee(await session.LoadAsync<ProgrammeView>(id, ct), id);
        if (!caller.CanRun(view) && !caller.IsProviderOf(view) && caller.Role != Role.Counsellor)
        {
            throw new ForbiddenException("考勤仅学校和提供方可见 / A session's attendance is for the school and the provider.");
        }
        var state = await session.LoadAsync<Programme>(id, ct);
        var record = (state is null ? null : SessionOf(state, day))
            ?? throw new NotFoundException($"{Programme.Key(day)} 尚无考勤记录 / No attendance recorded for {Programme.Key(day)}.");
        return http.Versioned(record, record.Version);
    }

    private static async Task<Ok<Page<EnrolmentView>>> OfStudent(
        Guid studentId, HttpContext http, IQuerySession session, IMasterKey master, int? page, int? pageSize, CancellationToken ct)
    {
        var caller = http.Caller();
        var query = session.Query<ProgrammeEnrolment>().Where(e => e.StudentId == studentId);
        if (caller.StudentRecordsScope(studentId, "学生的课后服务仅家长和本校可见 / A student's programmes are for the parents and the school.") is { } school)
        {
            var ofSchool = (await session.Query<ProgrammeView>().Where(p => p.SchoolId == school).Select(p => p.Id).ToListAsync(ct)).ToArray();
            query = query.Where(e => ofSchool.Contains(e.ProgrammeId));
        }
        var result = await query.OrderByDescending(e => e.EnrolledAt).ToPageAsync(Paging.From(page, pageSize), ct);
        return TypedResults.Ok(result.With(await Views(session, master, result.Items, ct)));
    }

    /// <summary>The school's admins and teachers (404 if they may not know the programme, else 403).</summary>
    private static async Task<Caller> Runner(Guid id, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        var caller = http.Caller();
        caller.MustRun(await session.LoadAsync<ProgrammeView>(id, ct), id);
        return caller;
    }

    /// <summary>An enrolment is seen by the child's parent, the school and the provider, and the region's bureau.</summary>
    private static async Task<(Caller, ProgrammeEnrolment)> MaySee(
        Guid id, Guid studentId, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        var caller = http.Caller();
        var view = await session.LoadAsync<ProgrammeView>(id, ct);
        var enrolment = await session.LoadAsync<ProgrammeEnrolment>(ProgrammeEnrolment.IdFor(id, studentId), ct);
        var may = view is not null && enrolment is not null
            && (caller.IsParentOf(studentId)
                || (caller.Role != Role.Parent && caller.CanSee(view)));
        return may ? (caller, enrolment!) : throw new NotFoundException("未找到该报名 / No such enrolment in your scope.");
    }

    /// <summary>
    /// The provider as a command carries it: a member unit's resource, known here and in the school's county, with
    /// whether the unit is a member of the resource's alliance now; or the school's own staff, with a name.
    /// </summary>
    private static async Task<ProviderTerms> ProviderAsync(IQuerySession session, Caller caller, string county,
        ProviderKind? kind, Guid? resourceId, string? name, CancellationToken ct)
    {
        new Validation()
            .Required("providerKind", kind)
            .Check(kind is null || Enum.IsDefined(kind.Value), "providerKind", "须为 MemberUnit 或 SchoolStaff / must be MemberUnit or SchoolStaff")
            .Check(kind != ProviderKind.MemberUnit || resourceId is not null, "resourceId",
                "成员单位提供时须注明其资源 / a member unit provides with one of its resources")
            .Check(kind != ProviderKind.SchoolStaff || !string.IsNullOrWhiteSpace(name), "providerName",
                "本校教师承担时须注明（如 本校体育组） / name the school's staff who give it (e.g. 本校体育组)")
            .MaxLength("providerName", name, 100)
            .ThrowIfInvalid();
        if (kind == ProviderKind.SchoolStaff)
        {
            return new ProviderTerms(new ProgrammeProvider(ProviderKind.SchoolStaff, null, null, null, name!.Trim()));
        }
        var resource = await session.LoadAsync<KnownResource>(resourceId!.Value, ct);
        new Validation().Check(resource is not null && caller.Covers(resource.CountyCode) && resource.CountyCode == county,
            "resourceId", "不是本县已知的资源 / is not a resource known in the school's county").ThrowIfInvalid();
        var unit = await session.LoadAsync<KnownUnit>(resource!.UnitId, ct);
        var membership = await session.LoadAsync<KnownMembership>(KnownMembership.IdOf(resource.AllianceId, resource.UnitId), ct);
        return new ProviderTerms(
            new ProgrammeProvider(ProviderKind.MemberUnit, resource.UnitId, resource.AllianceId, resource.Id,
                string.IsNullOrWhiteSpace(name) ? unit?.Name ?? resource.Title : name.Trim()),
            resource.Capacity, resource.Withdrawn, membership?.Active == true);
    }

    private static EnrolmentAnswer Answer(Programme state, Guid studentId)
    {
        var place = state.Roster[studentId];
        return new EnrolmentAnswer(state.Id, studentId, place.Status,
            place.Status == EnrolmentStatus.Waitlisted ? state.WaitlistPosition(studentId) : null, place.Version);
    }

    private static SessionView? SessionOf(Programme state, DateOnly day) =>
        state.Sessions.TryGetValue(Programme.Key(day), out var s) ? new SessionView(state.Id, day, s.Present, s.Version) : null;

    private static async Task<IReadOnlyList<EnrolmentView>> Views(
        IQuerySession session, IMasterKey master, IReadOnlyList<ProgrammeEnrolment> enrolments, CancellationToken ct)
    {
        // The name and class open with the student's key; once the student is erased they show as null.
        var keys = await PersonalDataVault.LoadKeysAsync(session, master,
            enrolments.Where(e => e.Personal is not null).Select(e => e.Personal!.KeyId), ct);
        var programmes = (await session.LoadManyAsync<ProgrammeView>(ct, enrolments.Select(e => e.ProgrammeId).Distinct()))
            .ToDictionary(p => p.Id);
        return enrolments.Select(e =>
        {
            var personal = e.Personal is null ? null : PersonalDataVault.Open<EnrolledPersonal>(keys, e.Personal);
            var programme = programmes.GetValueOrDefault(e.ProgrammeId);
            return new EnrolmentView(e.ProgrammeId, programme?.Title, programme?.Term, e.StudentId, personal?.DisplayName,
                personal?.ClassName, e.Status, e.Sequence, e.EnrolledAt, e.SessionsAttended, e.EnrolmentVersion);
        }).ToList();
    }

    private static int Revision(HttpContext http) => (int)http.ExpectedVersion();

    private static TimeOnly? Time(string? text) =>
        TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t : null;

    private static DateOnly ParseDate(string text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", out var day)
            ? day
            : throw new ValidationFailed(new Dictionary<string, string[]> { ["date"] = ["须为 yyyy-MM-dd / must be a date as yyyy-MM-dd"] });
}
