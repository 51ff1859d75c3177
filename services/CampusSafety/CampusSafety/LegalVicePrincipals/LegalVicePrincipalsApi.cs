using JiaoLianTi.Platform.AlliancesReplica;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.CampusSafety.LegalVicePrincipals;

public sealed record AppointRequest(Guid? SchoolId, Guid? UnitId, string? Name, string? Position, string? Subject, DateOnly? StartsOn, int? Years);
public sealed record RenewRequest(int? Years);
public sealed record EndRequest(AppointmentEndReason? Reason);
public sealed record LessonRequest(DateOnly? On, string? Topic, string[]? Classes);

/// <summary>
/// An appointment as the school, the unit and the bureau read it, with the unit's name and whether it is current;
/// <see cref="Subject"/> null while the appointee has not claimed it.
/// </summary>
public sealed record AppointmentView(
    Guid AppointmentId, Guid SchoolId, string CountyCode, Guid UnitId, string UnitKind, string? UnitName, string Name, string Position,
    string? Subject, DateOnly StartsOn, DateOnly EndsOn, AppointmentStatus Status, DateOnly? EndedOn, AppointmentEndReason? EndReason,
    bool Current, int Renewals, IReadOnlyList<LawLesson> Lessons, long Version)
{
    public static AppointmentView Of(LegalVicePrincipal a, string? unitName, DateOnly today) =>
        new(a.Id, a.SchoolId, a.CountyCode, a.UnitId, a.UnitKind, unitName, a.Name, a.Position, a.Subject, a.StartsOn, a.EndsOn, a.Status,
            a.EndedOn, a.EndReason, a.IsCurrentOn(today), a.Renewals, a.Lessons, a.Version);
}

/// <summary>
/// 警校共育 · 法治副校长: the county (city, province) bureau appoints a person of a police station, procuratorate or court
/// of the school's alliance for a term of years, renews and ends it; the legal vice-principal (or the school's admins)
/// records the law lessons; the school, the unit and the bureau read the appointments.
/// </summary>
public static class LegalVicePrincipalsApi
{
    public static void MapLegalVicePrincipalEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/campussafety/legal-vice-principals").WithTags("LegalVicePrincipal 法治副校长");
        group.MapPost("/", Appoint).WithSummary("聘任法治副校长（教联体内的派出所、检察院、法院人员） / Appoint a legal vice-principal from a police station, procuratorate or court of the school's alliance");
        group.MapGet("/", List).WithSummary("法治副校长聘任 / Appointments of the school, the unit or the region");
        group.MapGet("/{id:guid}", Get).WithSummary("一项聘任及其法治课 / An appointment with its law lessons");
        group.MapPost("/{id:guid}/renew", Renew).WithSummary("续聘（按年） / Renew for whole years");
        group.MapPost("/{id:guid}/end", End).WithSummary("解聘或离任 / End the appointment");
        group.MapPost("/{id:guid}/claim", Claim).WithSummary("认领聘任（法治副校长本人，以派出单位人员身份登录） / Claim an appointment made without an account (the appointee, signed in as an officer of the unit)");
        group.MapPost("/{id:guid}/lessons", Lesson).WithSummary("登记法治课（日期、主题、班级） / Record a law lesson (date, topic, classes)");
        app.MapGet("/api/campussafety/figures/legal-vice-principals", LegalVicePrincipalFigures.Figures).WithTags("LegalVicePrincipal 法治副校长")
            .WithSummary("法治副校长统计：在任覆盖、每校每学期法治课、无法治副校长的学校 / Schools with a current legal vice-principal, lessons per term per school, schools without one");
    }

    private static async Task<Created<AppointmentView>> Appoint(
        AppointRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation().Required("schoolId", request.SchoolId).Required("unitId", request.UnitId)
            .Required("name", request.Name).MaxLength("name", request.Name, 50)
            .Required("position", request.Position).MaxLength("position", request.Position, 100)
            .MaxLength("subject", request.Subject, 200)
            .Required("startsOn", request.StartsOn)
            .Required("years", request.Years)
            .Check(request.Years is null or (>= 1 and <= LegalVicePrincipalDecider.LongestTermYears), "years",
                $"任期须为 1 到 {LegalVicePrincipalDecider.LongestTermYears} 年 / a term is 1 to {LegalVicePrincipalDecider.LongestTermYears} years")
            .ThrowIfInvalid();
        var schoolId = request.SchoolId!.Value;
        var school = await session.SchoolAsync(schoolId, ct);
        if (school is null || !caller.Covers(school.CountyCode))
        {
            throw Access.NotFound("学校", schoolId);
        }
        if (!caller.IsAdministrationOver(school.CountyCode))
        {
            throw new ForbiddenException("法治副校长由教育行政部门聘任 / Legal vice-principals are appointed by the education bureau.");
        }
        var unitId = request.UnitId!.Value;
        var alliances = await session.AlliancesOfAsync(schoolId, ct);
        var member = (await session.MembersOfAsync(alliances, LegalUnits.Kinds, ct)).FirstOrDefault(m => m.UnitId == unitId);
        // Without the account (the person claims the appointment on signing in), the same person is the same name of
        // the same unit.
        var subject = string.IsNullOrWhiteSpace(request.Subject) ? null : request.Subject.Trim();
        var name = request.Name!.Trim();
        var today = Today(clock);
        var current = session.Query<LegalVicePrincipal>().Where(a => a.SchoolId == schoolId && a.Status == AppointmentStatus.Active);
        current = subject is null ? current.Where(a => a.Name == name && a.UnitId == unitId) : current.Where(a => a.Subject == subject);
        var already = (await current.ToListAsync(ct)).Any(a => a.EndsOn >= today);
        var id = Guid.CreateVersion7();
        var events = LegalVicePrincipalDecider.Decide(new AppointLegalVicePrincipal(id, schoolId, school.CountyCode, unitId, member?.UnitKind,
            member is not null, already, request.Name!, request.Position!, subject, request.StartsOn!.Value, request.Years!.Value,
            caller.Subject, clock.GetUtcNow()));
        var unitName = (await session.LoadAsync<KnownUnit>(unitId, ct))?.Name;
        return await session.Start<LegalVicePrincipal, AppointmentView>(http, id, events, $"/api/campussafety/legal-vice-principals/{id}",
            a => AppointmentView.Of(a, unitName, today), ct);
    }

    private static async Task<Ok<Page<AppointmentView>>> List(
        HttpContext http, IQuerySession session, Guid? schoolId, AppointmentStatus? status, bool? current, int? page, int? pageSize,
        TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        var region = caller.Region;
        IQueryable<LegalVicePrincipal> query = session.Query<LegalVicePrincipal>();
        query = caller.Role switch
        {
            Role.SchoolAdmin or Role.Teacher or Role.Counsellor when caller.SchoolId is { } school =>
                query.Where(a => a.SchoolId == school && a.CountyCode.StartsWith(region)),
            Role.MemberOfficer when caller.MemberUnitId is { } unit => query.Where(a => a.UnitId == unit && a.CountyCode.StartsWith(region)),
            _ when caller.IsAdministration => query.Where(a => a.CountyCode.StartsWith(region)),
            _ => throw new ForbiddenException("仅限学校、聘任单位和教育行政部门 / Only the school, the appointee's unit and the education bureaus."),
        };
        if (schoolId is { } s) query = query.Where(a => a.SchoolId == s);
        if (status is { } st) query = query.Where(a => a.Status == st);
        var today = Today(clock);
        if (current == true) query = query.Where(a => a.Status == AppointmentStatus.Active && a.StartsOn <= today && a.EndsOn >= today);
        var appointments = await query.OrderByDescending(a => a.AppointedAt).ToPageAsync(paging, ct);
        var names = await UnitNamesAsync(session, appointments.Items.Select(a => a.UnitId), ct);
        return TypedResults.Ok(appointments.Map(a => AppointmentView.Of(a, names.GetValueOrDefault(a.UnitId), today)));
    }

    private static async Task<Results<Ok<AppointmentView>, StatusCodeHttpResult>> Get(
        Guid id, HttpContext http, IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        var appointment = await session.LoadAsync<LegalVicePrincipal>(id, ct);
        if (appointment is null || !MayRead(caller, appointment))
        {
            throw Access.NotFound("法治副校长聘任", id);
        }
        var name = (await session.LoadAsync<KnownUnit>(appointment.UnitId, ct))?.Name;
        return http.Versioned(AppointmentView.Of(appointment, name, Today(clock)), appointment.Version);
    }

    private static Task<Ok<AppointmentView>> Renew(
        Guid id, RenewRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation().Required("years", request.Years)
            .Check(request.Years is null or (>= 1 and <= LegalVicePrincipalDecider.LongestTermYears), "years",
                $"续聘须为 1 到 {LegalVicePrincipalDecider.LongestTermYears} 年 / a renewal is 1 to {LegalVicePrincipalDecider.LongestTermYears} years")
            .ThrowIfInvalid();
        return session.Change<LegalVicePrincipal, AppointmentView>(http, id, Bureau(caller),
            a => LegalVicePrincipalDecider.Decide(new RenewLegalVicePrincipal(request.Years!.Value, caller.Subject, clock.GetUtcNow()), a),
            a => AppointmentView.Of(a, null, Today(clock)), ct, missing: () => Access.NotFound("法治副校长聘任", id));
    }

    /// <summary>The bureau ends it (解聘), or the appointee's unit withdraws its person (离任).</summary>
    private static Task<Ok<AppointmentView>> End(
        Guid id, EndRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation().Required("reason", request.Reason)
            .Check(request.Reason != AppointmentEndReason.TermExpired, "reason",
                "任期届满由系统自动结束 / a term that runs out ends by itself; give Resigned, Transferred, Dismissed or UnitLeftAlliance")
            .ThrowIfInvalid();
        return session.Change<LegalVicePrincipal, AppointmentView>(http, id, a =>
            {
                if (caller.Role == Role.MemberOfficer && caller.MemberUnitId == a.UnitId && caller.Covers(a.CountyCode))
                {
                    return;
                }
                Bureau(caller)(a);
            },
            a => LegalVicePrincipalDecider.Decide(new EndLegalVicePrincipal(request.Reason!.Value, caller.Subject, clock.GetUtcNow()), a),
            a => AppointmentView.Of(a, null, Today(clock)), ct, missing: () => Access.NotFound("法治副校长聘任", id));
    }

    /// <summary>
    /// 认领: the appointee, signed in as an officer of the appointing unit in the school's region, binds their account to
    /// an appointment the bureau made without one. Others who read it learn 403, anyone else 404.
    /// </summary>
    private static async Task<Ok<AppointmentView>> Claim(
        Guid id, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        var today = Today(clock);
        var mine = await session.Query<LegalVicePrincipal>()
            .Where(a => a.Subject == caller.Subject && a.Status == AppointmentStatus.Active && a.Id != id).ToListAsync(ct);
        return await session.Change<LegalVicePrincipal, AppointmentView>(http, id, a =>
            {
                if (caller.Role != Role.MemberOfficer || caller.MemberUnitId != a.UnitId || !caller.Covers(a.CountyCode))
                {
                    throw MayRead(caller, a)
                        ? (Exception)new ForbiddenException("由法治副校长本人以派出单位人员身份登录后认领 / The appointee claims it, signed in as an officer of the appointing unit.")
                        : Access.NotFound("法治副校长聘任", id);
                }
            },
            a => LegalVicePrincipalDecider.Decide(new ClaimLegalVicePrincipal(caller.Subject,
                mine.Any(m => m.SchoolId == a.SchoolId && m.EndsOn >= today), clock.GetUtcNow()), a),
            a => AppointmentView.Of(a, null, today), ct, missing: () => Access.NotFound("法治副校长聘任", id));
    }

    /// <summary>The legal vice-principal records their own lesson; the school's admins may record it for them.</summary>
    private static Task<Ok<AppointmentView>> Lesson(
        Guid id, LessonRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        var classes = request.Classes ?? [];
        var v = new Validation().Required("on", request.On)
            .Required("topic", request.Topic).MaxLength("topic", request.Topic, 100)
            .Check(classes.Length is >= 1 and <= 60, "classes", "须列出 1 到 60 个班级 / list 1 to 60 classes");
        for (var i = 0; i < classes.Length; i++)
        {
            v.Required($"classes[{i}]", classes[i]).MaxLength($"classes[{i}]", classes[i], 30);
        }
        v.ThrowIfInvalid();
        return session.Change<LegalVicePrincipal, AppointmentView>(http, id, a =>
            {
                var self = caller.Role == Role.MemberOfficer && caller.Subject == a.Subject && caller.MemberUnitId == a.UnitId;
                if (!self && !caller.IsAdminOf(a.SchoolId, a.CountyCode))
                {
                    throw MayRead(caller, a)
                        ? (Exception)new ForbiddenException("法治课由法治副校长本人或学校管理员登记 / The legal vice-principal or the school's admins record a lesson.")
                        : Access.NotFound("法治副校长聘任", id);
                }
            },
            a => LegalVicePrincipalDecider.Decide(new RecordLawLesson(Guid.CreateVersion7(), request.On!.Value, request.Topic!, classes, caller.Subject,
                clock.GetUtcNow()), a),
            a => AppointmentView.Of(a, null, Today(clock)), ct, missing: () => Access.NotFound("法治副校长聘任", id));
    }

    /// <summary>The education bureau over the school's county; the school and unit learn 403, anyone else 404.</summary>
    private static Action<LegalVicePrincipal> Bureau(Caller caller) => a =>
    {
        if (!caller.IsAdministrationOver(a.CountyCode))
        {
            throw MayRead(caller, a)
                ? (Exception)new ForbiddenException("续聘、解聘由教育行政部门办理 / The education bureau renews and ends appointments.")
                : Access.NotFound("法治副校长聘任", a.Id);
        }
    };

    internal static bool MayRead(Caller caller, LegalVicePrincipal a) =>
        caller.IsAdministrationOver(a.CountyCode) || caller.IsStaffOf(a.SchoolId, a.CountyCode)
        || (caller.Role == Role.MemberOfficer && caller.MemberUnitId == a.UnitId && caller.Covers(a.CountyCode));

    internal static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime);

    private static async Task<Dictionary<Guid, string>> UnitNamesAsync(IQuerySession session, IEnumerable<Guid> ids, CancellationToken ct)
    {
        var distinct = ids.Distinct().ToArray();
        return distinct.Length == 0 ? [] : (await session.LoadManyAsync<KnownUnit>(ct, distinct)).ToDictionary(u => u.Id, u => u.Name);
    }
}
