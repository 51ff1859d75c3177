using JiaoLianTi.Platform.AlliancesReplica;
using JiaoLianTi.Activities.Activities;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Platform.PersonalData;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.Activities.Registrations;

/// <summary>The body of <c>POST /api/activities/{id}/registrations</c>.</summary>
/// <param name="GuardianConsent">The guardian consents (required for a student under 14); recorded with who said so.</param>
/// <param name="SchoolId">Optional: the student's school is what the system knows (the school on a parent's token, a
/// staff member's own school); a different one here is refused.</param>
public sealed record RegisterRequest(
    Guid? StudentId, string? DisplayName, DateOnly? BirthDate, Guid? SchoolId, string? ClassName, bool? GuardianConsent);

public sealed record AttendanceRequest(bool? Attended);

/// <summary>The answer to a registration: confirmed, or waitlisted at a position (1 = next to get a seat).</summary>
public sealed record RegistrationAnswer(
    Guid ActivityId, Guid StudentId, RegistrationStatus Status, int? WaitlistPosition, DateTimeOffset? CheckedInAt,
    bool? Attended, int Version);

/// <summary>A registration as read: its answer, the student's name as given here, and the activity it is for.</summary>
public sealed record RegistrationView(
    Guid ActivityId, string? ActivityTitle, DateTimeOffset? StartsAt, ActivityStatus? ActivityStatus, Guid StudentId,
    string? DisplayName, Guid? SchoolId, string? ClassName, RegistrationStatus Status, int? WaitlistPosition,
    long Sequence, DateTimeOffset RegisteredAt, string? ConsentGivenBy, DateTimeOffset? CheckedInAt, bool? Attended,
    int Version, DateTimeOffset? ConsentWithdrawnAt = null, string? SchoolName = null);

public static class RegistrationsApi
{
    public static RouteGroupBuilder MapRegistrationEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/activities").WithTags("Registrations 报名 / 候补 / 签到");
        group.MapPost("/{id:guid}/registrations", Register)
            .WithSummary("报名：有余位即确认，否则按序候补；重复报名得到同一答复 / Register: confirmed while seats remain, else waitlisted in order; registering again gives the same answer");
        group.MapGet("/{id:guid}/registrations", Roster).WithSummary("活动报名名单 / The roster (running school, county)");
        group.MapGet("/{id:guid}/registrations/{studentId:guid}", Get).WithSummary("一条报名 / One registration");
        group.MapPost("/{id:guid}/registrations/{studentId:guid}/cancel", Cancel)
            .WithSummary("取消报名（候补第一位递补） / Cancel a registration (the first on the waitlist takes the seat)");
        group.MapPost("/{id:guid}/registrations/{studentId:guid}/withdraw-consent", WithdrawConsent)
            .WithSummary("监护人撤回同意（报名随之取消，候补第一位递补） / The guardian who consented withdraws it (the registration is cancelled; the waitlist moves)");
        group.MapPost("/{id:guid}/registrations/{studentId:guid}/check-in", CheckIn).WithSummary("签到 / Check in on the day");
        group.MapPost("/{id:guid}/registrations/{studentId:guid}/attendance", Attendance).WithSummary("记录出勤 / Record attendance");
        group.MapGet("/students/{studentId:guid}/registrations", OfStudent).WithSummary("学生的报名 / A student's registrations");
        return group;
    }

    private static async Task<Results<Created<RegistrationAnswer>, Ok<RegistrationAnswer>>> Register(
        Guid id, RegisterRequest request, HttpContext http, ActivityWriter writer, IDocumentStore store, IMasterKey master,
        TimeProvider clock)
    {
        var caller = http.Caller();
        var now = clock.GetUtcNow();
        new Validation()
            .Required("studentId", request.StudentId)
            .Check(request.StudentId != Guid.Empty, "studentId", "不能为空 ID / must not be the empty id")
            .Required("displayName", request.DisplayName).MaxLength("displayName", request.DisplayName, 50)
            .Required("birthDate", request.BirthDate)
            .Check(request.BirthDate is null || request.BirthDate < Programmes.Terms.Today(now), "birthDate",
                "须早于今天 / must be in the past")
            .MaxLength("className", request.ClassName, 50)
            .ThrowIfInvalid();
        var studentId = request.StudentId!.Value;

        // Parents register only their own children; a school's admins and teachers register its students.
        Guid? schoolId;
        if (caller.Role == Role.Parent)
        {
            if (!caller.IsParentOf(studentId))
            {
                throw new ForbiddenException("家长只能为自己的孩子报名 / Parents register only their own children.");
            }
            // The child's school is what the parent's token says (the province's identity provider links a guardian to
            // the child's school), never what the body names: another county's school would see the child's details.
            schoolId = caller.SchoolId ?? throw new ForbiddenException(
                "令牌未注明孩子的学校，无法报名 / Your token does not name your child's school, so the child cannot be registered.");
            if (request.SchoolId is { } named && named != schoolId)
            {
                throw new ForbiddenException("孩子的学校以身份令牌为准 / The child's school is the one your token names.");
            }
        }
        else if (caller.IsStaff() && caller.SchoolId is not null)
        {
            if (request.SchoolId is { } other && other != caller.SchoolId)
            {
                throw new ForbiddenException("只能为本校学生报名 / School staff register their own school's students only.");
            }
            schoolId = caller.SchoolId;
        }
        else
        {
            throw new ForbiddenException("只有家长或学校的管理员、教师可以报名 / Only parents and school staff register students.");
        }

        var consent = request.GuardianConsent == true;
        var student = new StudentDetails(request.DisplayName!.Trim(), request.BirthDate!.Value, schoolId,
            request.ClassName?.Trim(), consent ? caller.Subject : null, consent ? now : null);
        // The name, birth date and class are stored sealed with the student's own key (docs/design.md 17).
        var key = await PersonalDataVault.EnsureKeyOfPersonAsync(store, master, studentId, now, http.RequestAborted);
        var stored = student.SealedWith(key, studentId);
        var (answer, created) = await writer.Submit(id,
            state =>
            {
                if (!caller.CanSee(state))
                {
                    throw Scope.NotFound(id);
                }
                return RegistrationDecider.Decide(new Register(id, studentId, student, caller.Subject, now), state)
                    .Select(e => e switch
                    {
                        RegistrationConfirmed c => c with { Student = stored },
                        RegistrationWaitlisted w => w with { Student = stored },
                        _ => e,
                    })
                    .ToList();
            },
            // A student just waitlisted stands last: no need to look for them in the waitlist.
            (state, events) => (events is [RegistrationWaitlisted]
                ? Answer(state, studentId, state.Waitlist.Count)
                : Answer(state, studentId), events.Count > 0));

        return created
            ? http.Created($"/api/activities/{id}/registrations/{studentId}", answer, answer.Version)
            : http.Changed(answer, answer.Version);
    }

    private static async Task<Ok<Page<RegistrationView>>> Roster(
        Guid id, HttpContext http, IQuerySession session, int? page, int? pageSize, RegistrationStatus? status,
        CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        var activity = await session.LoadAsync<ActivityView>(id, ct);
        if (activity is null || !caller.CanSee(activity))
        {
            throw Scope.NotFound(id);
        }
        if (!caller.CanRun(activity) && !(caller.IsAdministration && caller.Covers(activity.CountyCode)))
        {
            throw new ForbiddenException("名单仅主办方和教育行政部门可见 / Only the organisers and the education bureau read the roster.");
        }
        var query = session.Query<StudentRegistration>().Where(r => r.ActivityId == id);
        if (status is { } s) query = query.Where(r => r.Status == s);
        var result = await query.OrderBy(r => r.Sequence).ToPageAsync(paging, ct);
        // In registration order the waitlisted of a page stand in a row: one count gives the first one's place.
        var positions = new Dictionary<Guid, int>();
        if (result.Items.FirstOrDefault(r => r.Status == RegistrationStatus.Waitlisted) is { } first)
        {
            var before = await session.Query<StudentRegistration>().CountAsync(o =>
                o.ActivityId == id && o.Status == RegistrationStatus.Waitlisted && o.Sequence < first.Sequence, ct);
            foreach (var waiting in result.Items.Where(r => r.Status == RegistrationStatus.Waitlisted))
            {
                positions[waiting.StudentId] = ++before;
            }
        }
        var views = await Views(session, Master(http), result.Items, ct, positions);
        return TypedResults.Ok(result.With(views));
    }

    private static async Task<Results<Ok<RegistrationView>, StatusCodeHttpResult>> Get(
        Guid id, Guid studentId, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        var caller = http.Caller();
        var registration = await session.LoadAsync<StudentRegistration>(RegistrationIds.For(id, studentId), ct);
        var activity = await session.LoadAsync<ActivityView>(id, ct);
        if (registration is null || activity is null || !MaySee(caller, registration, activity))
        {
            throw RegistrationNotFound();
        }
        return http.Versioned((await Views(session, Master(http), [registration], ct))[0], registration.RegistrationVersion);
    }

    private static async Task<Ok<Page<RegistrationView>>> OfStudent(
        Guid studentId, HttpContext http, IQuerySession session, int? page, int? pageSize, CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        var query = session.Query<StudentRegistration>().Where(r => r.StudentId == studentId);
        if (caller.StudentRecordsScope(studentId, "学生的报名仅家长和本校可见 / A student's registrations are for the parents and the school.") is { } school)
        {
            query = query.Where(r => r.SchoolId == school);
        }
        var result = await query.OrderByDescending(r => r.RegisteredAt).ToPageAsync(paging, ct);
        var views = await Views(session, Master(http), result.Items, ct);
        return TypedResults.Ok(result.With(views));
    }

    private static async Task<Ok<RegistrationAnswer>> Cancel(
        Guid id, Guid studentId, HttpContext http, IQuerySession session, ActivityWriter writer, TimeProvider clock,
        CancellationToken ct)
    {
        var caller = await MayChange(id, studentId, http, session, staffOnly: false, ct);
        var command = new CancelRegistration(id, studentId, Version(http), caller.Subject, clock.GetUtcNow());
        return await writer.Change(http, id, state => RegistrationDecider.Decide(command, state), state => Answer(state, studentId), a => a.Version);
    }

    private static async Task<Ok<RegistrationAnswer>> WithdrawConsent(
        Guid id, Guid studentId, HttpContext http, IQuerySession session, ActivityWriter writer, TimeProvider clock,
        CancellationToken ct)
    {
        var caller = await MayChange(id, studentId, http, session, staffOnly: false, ct);
        if (!caller.IsParentOf(studentId))
        {
            throw new ForbiddenException("只有给出同意的监护人可以撤回 / Only the guardian who gave the consent can withdraw it.");
        }
        var command = new WithdrawConsent(id, studentId, Version(http), caller.Subject, clock.GetUtcNow());
        return await writer.Change(http, id, state => RegistrationDecider.Decide(command, state), state => Answer(state, studentId), a => a.Version);
    }

    private static async Task<Ok<RegistrationAnswer>> CheckIn(
        Guid id, Guid studentId, HttpContext http, IQuerySession session, ActivityWriter writer, TimeProvider clock,
        CancellationToken ct)
    {
        var caller = await MayChange(id, studentId, http, session, staffOnly: true, ct);
        var command = new CheckIn(id, studentId, Version(http), caller.Subject, clock.GetUtcNow());
        return await writer.Change(http, id, state => RegistrationDecider.Decide(command, state), state => Answer(state, studentId), a => a.Version);
    }

    private static async Task<Ok<RegistrationAnswer>> Attendance(
        Guid id, Guid studentId, AttendanceRequest request, HttpContext http, IQuerySession session,
        ActivityWriter writer, TimeProvider clock, CancellationToken ct)
    {
        new Validation().Required("attended", request.Attended).ThrowIfInvalid();
        var caller = await MayChange(id, studentId, http, session, staffOnly: true, ct);
        var command = new RecordAttendance(id, studentId, request.Attended!.Value, Version(http), caller.Subject, clock.GetUtcNow());
        return await writer.Change(http, id, state => RegistrationDecider.Decide(command, state), state => Answer(state, studentId), a => a.Version);
    }

    /// <summary>
    /// The authorise step of a change to one registration: its parent (cancel only) or the organisers, or the student's
    /// school staff (cancel only).
    /// </summary>
    private static async Task<Caller> MayChange(
        Guid id, Guid studentId, HttpContext http, IQuerySession session, bool staffOnly, CancellationToken ct)
    {
        var caller = http.Caller();
        var registration = await session.LoadAsync<StudentRegistration>(RegistrationIds.For(id, studentId), ct);
        var activity = await session.LoadAsync<ActivityView>(id, ct);
        if (registration is null || activity is null || !MaySee(caller, registration, activity))
        {
            throw RegistrationNotFound();
        }
        var allowed = caller.CanRun(activity) || (!staffOnly && (caller.IsParentOf(studentId)
            || (caller.IsStaff() && registration.SchoolId == caller.SchoolId)));
        if (!allowed)
        {
            throw new ForbiddenException("无权操作此报名 / You may not change this registration.");
        }
        return caller;
    }

    /// <summary>If-Match: the registration's own version the command expects (the decider answers 412 if it moved on).</summary>
    private static int Version(HttpContext http) => (int)http.ExpectedVersion();

    private static bool MaySee(Caller caller, StudentRegistration r, ActivityView a) =>
        caller.IsParentOf(r.StudentId)
        || ((caller.IsStaff() || caller.Role == Role.Counsellor) && caller.SchoolId is not null && r.SchoolId == caller.SchoolId)
        || caller.CanRun(a)
        || (caller.IsAdministration && caller.Covers(a.CountyCode));

    private static RegistrationAnswer Answer(Activity state, Guid studentId, int? knownPosition = null)
    {
        var seat = state.Roster[studentId];
        return new RegistrationAnswer(state.Id, studentId, seat.Status,
            seat.Status == RegistrationStatus.Waitlisted ? knownPosition ?? state.WaitlistPosition(studentId) : null,
            seat.CheckedInAt, seat.Attended, seat.Version);
    }

    private static NotFoundException RegistrationNotFound() =>
        new("未找到该报名 / No such registration in your scope.");

    /// <summary>Adds the activity and, for the waitlisted, their current place (earlier waitlisted ones + 1).</summary>
    private static IMasterKey Master(HttpContext http) => http.RequestServices.GetRequiredService<IMasterKey>();

    private static async Task<IReadOnlyList<RegistrationView>> Views(
        IQuerySession session, IMasterKey master, IReadOnlyList<StudentRegistration> registrations, CancellationToken ct,
        IReadOnlyDictionary<Guid, int>? knownPositions = null)
    {
        // The name and class open with the student's key; once the student is erased they show as null.
        var keys = await PersonalDataVault.LoadKeysAsync(session, master,
            registrations.Where(r => r.Personal is not null).Select(r => r.Personal!.KeyId), ct);
        var activities = (await session.LoadManyAsync<ActivityView>(ct, registrations.Select(r => r.ActivityId).Distinct()))
            .ToDictionary(a => a.Id);
        var schools = await session.NamesAsync(registrations.Select(r => r.SchoolId), ct);
        var views = new List<RegistrationView>(registrations.Count);
        foreach (var r in registrations)
        {
            int? position = null;
            if (r.Status == RegistrationStatus.Waitlisted && knownPositions?.TryGetValue(r.StudentId, out var known) == true)
            {
                position = known;
            }
            else if (r.Status == RegistrationStatus.Waitlisted)
            {
                position = await session.Query<StudentRegistration>().CountAsync(o =>
                    o.ActivityId == r.ActivityId && o.Status == RegistrationStatus.Waitlisted && o.Sequence < r.Sequence, ct) + 1;
            }
            var activity = activities.GetValueOrDefault(r.ActivityId);
            var personal = r.Personal is null
                ? new StudentPersonal(r.DisplayName, r.BirthDate, r.ClassName)
                : PersonalDataVault.Open<StudentPersonal>(keys, r.Personal);
            views.Add(new RegistrationView(r.ActivityId, activity?.Title, activity?.StartsAt, activity?.Status,
                r.StudentId, personal?.DisplayName, r.SchoolId, personal?.ClassName, r.Status, position, r.Sequence, r.RegisteredAt,
                r.ConsentGivenBy, r.CheckedInAt, r.Attended, r.RegistrationVersion, r.ConsentWithdrawnAt,
                r.SchoolId is { } school ? schools.GetValueOrDefault(school) : null));
        }
        return views;
    }
}
