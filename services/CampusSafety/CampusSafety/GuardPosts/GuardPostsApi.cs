using JiaoLianTi.Platform.AlliancesReplica;
using JiaoLianTi.CampusSafety.Schools;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.CampusSafety.GuardPosts;

public sealed record SetUpGuardPostRequest(Guid? SchoolId, string? Gate);
public sealed record ScheduleGuardShiftRequest(ShiftKind? Kind, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, Guid? UnitId, string? Officer);

/// <summary>One shift with its post, as an officer's rota or the missed-shift list shows it.</summary>
public sealed record RotaEntry(Guid PostId, Guid SchoolId, string CountyCode, string Gate, GuardShift Shift);

public static class GuardPostsApi
{
    public static void MapGuardPostEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/campussafety/guard-posts").WithTags("GuardPost 护学岗");
        group.MapPost("/", SetUp).WithSummary("设立护学岗 / Set up a guard post at a school's gate");
        group.MapGet("/", List).WithSummary("护学岗列表 / Guard posts the caller may see");
        group.MapGet("/rota", Rota).WithSummary("我的排班 / The signed-in officer's (or unit's) shifts");
        group.MapGet("/missed", Missed).WithSummary("缺岗记录 / Missed shifts");
        group.MapGet("/{id:guid}", Get).WithSummary("护学岗详情 / A guard post and its rota");
        group.MapPost("/{id:guid}/shifts", Schedule).WithSummary("排班 / Put a unit or officer on a shift");
        group.MapPost("/{id:guid}/shifts/{shiftId:guid}/check-in", CheckIn).WithSummary("到岗签到 / The officer checks in");
    }

    private static async Task<Created<GuardPost>> SetUp(
        SetUpGuardPostRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation()
            .Required("schoolId", request.SchoolId)
            .Required("gate", request.Gate).MaxLength("gate", request.Gate, 100)
            .ThrowIfInvalid();
        var school = await session.School(request.SchoolId!.Value, ct);
        if (school is null || !caller.IsAdminOf(school.Id, school.CountyCode))
        {
            throw new ForbiddenException("只有本校管理员可以设立护学岗 / Only the school's admins may set up its guard posts.");
        }
        var command = new SetUpGuardPost(Guid.CreateVersion7(), school.Id, school.CountyCode, request.Gate!, caller.Subject, clock.GetUtcNow());
        return await session.Start<GuardPost>(http, command.PostId, GuardPostDecider.Decide(command), $"/api/campussafety/guard-posts/{command.PostId}", ct);
    }

    private static async Task<Results<Ok<GuardPost>, StatusCodeHttpResult>> Get(
        Guid id, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        var post = await Visible(id, http.Caller(), session, ct);
        return http.Versioned(post, post.Version);
    }

    private static async Task<Ok<Page<GuardPost>>> List(
        HttpContext http, IQuerySession session, int? page, int? pageSize, Guid? schoolId, CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        var query = Scoped(session.Query<GuardPost>(), caller);
        if (schoolId is { } s) query = query.Where(p => p.SchoolId == s);
        var posts = await query.OrderBy(p => p.SetUpAt).ToPageAsync(paging, ct);
        var names = await session.NamesAsync(posts.Items.Select(p => (Guid?)p.SchoolId), ct);
        return TypedResults.Ok(posts.Map(p => p with { SchoolName = names.GetValueOrDefault(p.SchoolId) }));
    }

    private static async Task<Ok<Page<RotaEntry>>> Rota(
        HttpContext http, IQuerySession session, int? page, int? pageSize, DateTimeOffset? from, DateTimeOffset? to,
        ShiftStatus? status, CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        if (caller.Role != Role.MemberOfficer)
        {
            throw new ForbiddenException("排班仅供成员单位民警 / The rota is for member officers.");
        }
        var posts = await Scoped(session.Query<GuardPost>(), caller).ToListAsync(ct);
        var mine = posts.SelectMany(p => p.Shifts
                .Where(s => s.Officer == caller.Subject || (s.Officer is null && s.UnitId == caller.MemberUnitId))
                .Select(s => new RotaEntry(p.Id, p.SchoolId, p.CountyCode, p.Gate, s)))
            .Where(e => (from is null || e.Shift.EndsAt >= from) && (to is null || e.Shift.StartsAt <= to)
                && (status is null || e.Shift.Status == status))
            .OrderBy(e => e.Shift.StartsAt).ToList();
        return TypedResults.Ok(PageOf(mine, paging));
    }

    private static async Task<Ok<Page<RotaEntry>>> Missed(
        HttpContext http, IQuerySession session, int? page, int? pageSize, Guid? schoolId, CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        var query = Scoped(session.Query<GuardPost>(), caller);
        if (schoolId is { } id) query = query.Where(p => p.SchoolId == id);
        var posts = await query.ToListAsync(ct);
        var missed = posts.SelectMany(p => p.Shifts.Where(s => s.Status == ShiftStatus.Missed)
                .Where(s => caller.Role != Role.MemberOfficer || s.Officer == caller.Subject || s.UnitId == caller.MemberUnitId)
                .Select(s => new RotaEntry(p.Id, p.SchoolId, p.CountyCode, p.Gate, s)))
            .OrderByDescending(e => e.Shift.StartsAt).ToList();
        return TypedResults.Ok(PageOf(missed, paging));
    }

    private static async Task<Ok<GuardPost>> Schedule(
        Guid id, ScheduleGuardShiftRequest request, HttpContext http, IDocumentSession session, TimeProvider clock,
        CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation()
            .Required("kind", request.Kind)
            .Required("startsAt", request.StartsAt)
            .Required("endsAt", request.EndsAt)
            .Check(request.UnitId is not null || !string.IsNullOrWhiteSpace(request.Officer), "unitId",
                "须指定单位或民警 / a unit or an officer is required")
            .MaxLength("officer", request.Officer, 200)
            .ThrowIfInvalid();
        var post = await Visible(id, caller, session, ct);
        if (!caller.IsAdminOf(post.SchoolId, post.CountyCode))
        {
            throw new ForbiddenException("只有本校管理员可以排班 / Only the school's admins may keep the rota.");
        }
        if (request.UnitId is { } unitId && (await session.ServingUnits(post.SchoolId, ct)).All(u => u.UnitId != unitId))
        {
            throw new ValidationFailed(new Dictionary<string, string[]>
            {
                ["unitId"] = ["不是服务本校的公安、交管或市场监管单位 / is not a police, traffic police or market regulator unit serving this school"],
            });
        }
        var command = new ScheduleGuardShift(Guid.CreateVersion7(), request.Kind!.Value, request.StartsAt!.Value,
            request.EndsAt!.Value, request.UnitId, request.Officer, caller.Subject, clock.GetUtcNow());
        return await session.Change<GuardPost>(http, id, null, p => GuardPostDecider.Decide(command, p), ct);
    }

    private static async Task<Ok<GuardPost>> CheckIn(
        Guid id, Guid shiftId, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        if (caller.Role != Role.MemberOfficer)
        {
            throw new ForbiddenException("只有成员单位民警可以签到 / Only member officers check in.");
        }
        await Visible(id, caller, session, ct);
        var command = new CheckInGuardShift(shiftId, caller.Subject, caller.MemberUnitId, clock.GetUtcNow());
        return await session.Change<GuardPost>(http, id, null, p => GuardPostDecider.Decide(command, p), ct);
    }


    private static async Task<GuardPost> Visible(Guid id, Caller caller, IQuerySession session, CancellationToken ct)
    {
        var post = await session.LoadAsync<GuardPost>(id, ct);
        var visible = post is not null && (caller.IsAdministrationOver(post.CountyCode) || caller.IsStaffOf(post.SchoolId, post.CountyCode)
            || (caller.Role == Role.MemberOfficer && caller.Covers(post.CountyCode)
                && (post.Officers.Contains(caller.Subject) || (caller.MemberUnitId is { } u && post.UnitIds.Contains(u)))));
        return visible ? post! : throw Access.NotFound("护学岗", id);
    }

    private static IQueryable<GuardPost> Scoped(IQueryable<GuardPost> query, Caller caller)
    {
        var region = caller.Region;
        switch (caller.Role)
        {
            case Role.MemberOfficer:
                var unit = caller.MemberUnitId ?? Guid.Empty;
                var subject = caller.Subject;
                return query.Where(p => p.CountyCode.StartsWith(region) && (p.UnitIds.Contains(unit) || p.Officers.Contains(subject)));
            case Role.SchoolAdmin or Role.Teacher or Role.Counsellor:
                var school = caller.SchoolId ?? Guid.Empty;
                return query.Where(p => p.SchoolId == school && p.CountyCode.StartsWith(region));
            case Role.ProvinceAdmin or Role.CityAdmin or Role.CountyAdmin:
                return query.Where(p => p.CountyCode.StartsWith(region));
            default:
                return query.Where(p => p.Id == Guid.Empty);
        }
    }

    private static Page<T> PageOf<T>(IReadOnlyList<T> all, Paging paging) where T : notnull =>
        new(all.Skip((paging.PageNumber - 1) * paging.PageSize).Take(paging.PageSize).ToList(),
            paging.PageNumber, paging.PageSize, all.Count);
}
