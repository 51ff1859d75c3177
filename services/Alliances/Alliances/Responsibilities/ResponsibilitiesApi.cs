using JiaoLianTi.Alliances.Alliances;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.Alliances.Responsibilities;

public sealed record AssignResponsibilityRequest(
    Guid? UnitId, string? Title, string? Description, DateOnly? DueOn, int? SlaDays);
public sealed record NoteRequest(string? Note);

public static class ResponsibilitiesApi
{
    public static IEndpointRouteBuilder MapResponsibilityEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/alliances/{allianceId:guid}/responsibilities", Assign).WithTags("Responsibilities 责任清单")
            .WithSummary("分配责任 / Assign a responsibility to a member");
        var group = app.MapGroup("/api/alliances/responsibilities").WithTags("Responsibilities 责任清单");
        group.MapGet("/", List).WithSummary("责任清单 / Responsibilities in the caller's region");
        group.MapGet("/{id:guid}", Get).WithSummary("责任 / A responsibility");
        group.MapPost("/{id:guid}/start", Start).WithSummary("开始办理（成员单位） / The unit starts on it");
        group.MapPost("/{id:guid}/done", Done).WithSummary("办结 / Done");
        return app;
    }

    internal static Validation Check(Validation v, string prefix, Guid? unitId, string? title, string? description,
        DateOnly? dueOn, int? slaDays) => v
        .Required(prefix + "unitId", unitId)
        .Required(prefix + "title", title).MaxLength(prefix + "title", title, 200)
        .MaxLength(prefix + "description", description, 4000)
        .Required(prefix + "dueOn", dueOn)
        .Check(slaDays is null or (>= 0 and <= 365), prefix + "slaDays", "须在 0 到 365 天之间 / must be 0 to 365 days");

    private static async Task<Created<Responsibility>> Assign(
        Guid allianceId, AssignResponsibilityRequest request, HttpContext http, IDocumentSession session, TimeProvider clock,
        CancellationToken ct)
    {
        var caller = http.Caller();
        Check(new Validation(), "", request.UnitId, request.Title, request.Description, request.DueOn, request.SlaDays).ThrowIfInvalid();
        var alliance = caller.Visible(await session.LoadAsync<Alliance>(allianceId, ct), a => a.CountyCode, "教联体 Alliance");
        // City and province bureaus assign within their region too (a city-wide campaign, a provincial inspection).
        Access.Require(caller.Manages(alliance) || (caller.Role is Role.CityAdmin or Role.ProvinceAdmin && caller.Covers(alliance.CountyCode)),
            "只有教联体管理者或上级教育行政部门可以分配责任 / Only the alliance's managers or the city and province bureaus over it may assign responsibilities.");
        var command = new AssignResponsibility(Guid.CreateVersion7(), alliance, request.UnitId!.Value, request.Title!,
            request.Description ?? "", request.DueOn!.Value, request.SlaDays ?? 0, null, caller.Subject, clock.GetUtcNow());
        return await session.Start<Responsibility>(http, command.ResponsibilityId, ResponsibilityDecider.Decide(command, null),
            $"/api/alliances/responsibilities/{command.ResponsibilityId}", ct);
    }

    private static async Task<Ok<Page<Responsibility>>> List(
        HttpContext http, IQuerySession session, int? page, int? pageSize, string? county, ResponsibilityStatus? status,
        Guid? allianceId, Guid? unitId, Guid? meetingId, bool? escalated, CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        var query = session.Query<Responsibility>().Where(r => r.CountyCode.StartsWith(caller.Region));
        if (caller.Role == Role.DepartmentOfficer)
        {
            var units = await Departments.UnitsOfAsync(session, caller, ct);
            query = query.Where(r => units.Contains(r.UnitId));
        }
        if (!string.IsNullOrEmpty(county)) query = query.Where(r => r.CountyCode.StartsWith(county));
        if (status is { } s) query = query.Where(r => r.Status == s);
        if (allianceId is { } a) query = query.Where(r => r.AllianceId == a);
        if (unitId is { } u) query = query.Where(r => r.UnitId == u);
        if (meetingId is { } m) query = query.Where(r => r.MeetingId == m);
        if (escalated == true) query = query.Where(r => r.EscalatedAt != null);
        if (escalated == false) query = query.Where(r => r.EscalatedAt == null);
        return TypedResults.Ok(await (await query.OrderBy(r => r.DueOn).ToPageAsync(paging, ct)).NamedAsync(session, ct));
    }

    private static async Task<Results<Ok<Responsibility>, StatusCodeHttpResult>> Get(
        Guid id, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        var caller = http.Caller();
        var item = caller.Visible(await session.LoadAsync<Responsibility>(id, ct), r => r.CountyCode, "责任 Responsibility");
        if (caller.Role == Role.DepartmentOfficer && !await Departments.ConcernsAsync(session, caller, item.UnitId, item.CountyCode, ct))
        {
            throw new NotFoundException("责任 Responsibility 不存在或不在您的辖区 / 责任 Responsibility was not found in your region.");
        }
        return http.Versioned(item, item.Version);
    }

    private static async Task<Ok<Responsibility>> Start(Guid id, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        await RefuseDepartmentOfficer(caller, id, session, ct);
        var command = new StartResponsibility(id, caller.Role == Role.MemberOfficer ? caller.MemberUnitId : null, caller.Subject, clock.GetUtcNow());
        return await session.Change<Responsibility>(http, id, InRegion(caller), state => ResponsibilityDecider.Decide(command, state), ct);
    }

    private static async Task<Ok<Responsibility>> Done(
        Guid id, NoteRequest? request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        new Validation().MaxLength("note", request?.Note, 4000).ThrowIfInvalid();
        var caller = http.Caller();
        await RefuseDepartmentOfficer(caller, id, session, ct);
        var alliance = await AllianceOf(id, session, ct);
        var command = new CompleteResponsibility(id, caller.Role == Role.MemberOfficer ? caller.MemberUnitId : null,
            alliance is not null && caller.Manages(alliance), request?.Note ?? "", caller.Subject, clock.GetUtcNow());
        return await session.Change<Responsibility>(http, id, InRegion(caller), state => ResponsibilityDecider.Decide(command, state), ct);
    }

    private static async Task<Alliance?> AllianceOf(Guid id, IQuerySession session, CancellationToken ct) =>
        await session.LoadAsync<Responsibility>(id, ct) is { } r ? await session.LoadAsync<Alliance>(r.AllianceId, ct) : null;

    private static async Task RefuseDepartmentOfficer(Caller caller, Guid id, IQuerySession session, CancellationToken ct)
    {
        if (caller.Role == Role.DepartmentOfficer)
        {
            var item = await session.LoadAsync<Responsibility>(id, ct);
            await Departments.RefuseChangeAsync(session, caller, item?.UnitId, item?.CountyCode, "责任 Responsibility", ct);
        }
    }

    /// <summary>The authorise step: the responsibility is in the caller's region (404); who acts is the decider's rule (409).</summary>
    private static Action<Responsibility> InRegion(Caller caller) => item => caller.Visible(item, r => r.CountyCode, "责任 Responsibility");
}
