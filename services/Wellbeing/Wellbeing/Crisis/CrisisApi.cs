using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Wellbeing.Children;
using JiaoLianTi.Wellbeing.Protection;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace JiaoLianTi.Wellbeing.Crisis;

public sealed record StartCrisisRequest(Guid? StudentId);
public sealed record AcknowledgeRequest(CrisisLevel? Level);

public static class CrisisApi
{
    public static RouteGroupBuilder MapCrisisEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/wellbeing/crises").WithTags("CrisisEscalation 危机干预");
        group.MapPost("/", Start).WithSummary("心理教师启动危机干预 / A counsellor starts a crisis chain");
        group.MapGet("/", List).WithSummary("危机干预列表 / Crisis chains in scope");
        group.MapGet("/{id:guid}", Get).WithSummary("危机干预 / A crisis chain");
        group.MapPost("/{id:guid}/acknowledge", Acknowledge).WithSummary("确认 / Acknowledge a level");
        group.MapPost("/{id:guid}/resolve", Resolve).WithSummary("解除 / Resolve");
        return group;
    }

    private static async Task<Created<CrisisEscalation>> Start(
        StartCrisisRequest request, HttpContext http, IDocumentSession session, ChildReactions reactions, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation().Required("studentId", request.StudentId).ThrowIfInvalid();
        var child = await session.LoadAsync<Child>(request.StudentId!.Value, ct) ?? throw new NotFoundException("未找到 / Not found.");
        if (caller.Role != Role.Counsellor)
        {
            throw Protection.Access.Refusal(caller, child.SchoolId, child.CountyCode);
        }
        Protection.Access.AuthorizeCare(caller, child.SchoolId, child.CountyCode, child);
        var id = await reactions.StartCrisisAsync(child, CrisisTrigger.CounsellorCall, caller.Subject, clock.GetUtcNow(), ct);
        await session.SaveChangesAsync(ct);
        var crisis = await session.LoadAsync<CrisisEscalation>(id, ct);
        http.SetETag(crisis!.Version);
        return TypedResults.Created($"/api/wellbeing/crises/{id}", crisis);
    }

    private static bool Sees(Caller caller, CrisisEscalation c) => caller.Role switch
    {
        Role.SchoolAdmin or Role.Counsellor => caller.SchoolId == c.SchoolId,
        Role.Parent => caller.IsParentOf(c.StudentId),
        Role.CountyAdmin or Role.CityAdmin or Role.ProvinceAdmin => caller.Covers(c.CountyCode),
        _ => false,
    };

    private static SensitiveRecord Record(CrisisEscalation c) =>
        new(c.StudentId, c.SchoolId, c.CountyCode, ReadResource.Crisis, c.Id);

    /// <summary>
    /// Crisis chains are records of minors: each one answered is in the access log (resource <c>Crisis</c>), and a refused
    /// read of one is recorded as an attempt. <c>purpose</c> is optional here (default <c>Crisis</c>): the chain exists
    /// only for the crisis, and the parents and officers who must act on it open it from a notice or the workbench.
    /// </summary>
    private static async Task<Ok<Page<CrisisEscalation>>> List(
        HttpContext http, IDocumentSession session, CrisisStatus? status, AccessPurpose? purpose, TimeProvider clock, int? page, int? pageSize,
        CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        IQueryable<CrisisEscalation> query = session.Query<CrisisEscalation>();
        query = caller.Role switch
        {
            Role.SchoolAdmin or Role.Counsellor when caller.SchoolId is not null => query.Where(c => c.SchoolId == caller.SchoolId),
            Role.CountyAdmin or Role.CityAdmin or Role.ProvinceAdmin => query.Where(c => c.CountyCode.StartsWith(caller.Region)),
            Role.Parent => query.Where(c => c.StudentId.IsOneOf(caller.Children.ToArray())),
            _ => throw new ForbiddenException("无权查看 / Not in your remit."),
        };
        if (status is { } s) query = query.Where(c => c.Status == s);
        var crises = await query.OrderByDescending(c => c.StartedAt).ToPageAsync(paging, ct);
        await Access.RecordReadsAsync(session, caller, purpose ?? AccessPurpose.Crisis, crises.Items.Select(Record), clock.GetUtcNow(), ct);
        return TypedResults.Ok(crises);
    }

    private static async Task<Results<Ok<CrisisEscalation>, StatusCodeHttpResult>> Get(
        Guid id, AccessPurpose? purpose, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        var crisis = await session.LoadAsync<CrisisEscalation>(id, ct) ?? throw new NotFoundException("未找到 / Not found.");
        // Those who may not see the chain learn nothing of it (404), and their attempt is on record.
        await Access.ReadAsync(session, caller, purpose ?? AccessPurpose.Crisis, Record(crisis), clock.GetUtcNow(),
            () => Sees(caller, crisis) ? null : throw new NotFoundException("未找到 / Not found."), ct);
        return http.Versioned(crisis, crisis.Version);
    }

    /// <summary>Who answers for each level of the chain.</summary>
    private static bool AnswersFor(Caller caller, CrisisEscalation c, CrisisLevel level) => level switch
    {
        CrisisLevel.Counsellor => caller.Role == Role.Counsellor && (c.Counsellor is null ? caller.SchoolId == c.SchoolId : c.Counsellor == caller.Subject),
        CrisisLevel.Principal => caller.Role == Role.SchoolAdmin && caller.SchoolId == c.SchoolId,
        CrisisLevel.Guardian => caller.IsParentOf(c.StudentId),
        CrisisLevel.County => caller.Role == Role.CountyAdmin && caller.Covers(c.CountyCode),
        _ => false,
    };

    private static async Task<Ok<CrisisEscalation>> Acknowledge(
        Guid id, AcknowledgeRequest request, HttpContext http, IDocumentSession session, IOptions<WellbeingOptions> options, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation().Required("level", request.Level).ThrowIfInvalid();
        var command = new AcknowledgeCrisis(id, request.Level!.Value, caller.Subject, options.Value.CrisisAckWithin, clock.GetUtcNow());
        return await session.Change<CrisisEscalation>(http, id, c =>
        {
            if (!Sees(caller, c)) throw new NotFoundException("未找到 / Not found.");
            if (!AnswersFor(caller, c, command.Level))
            {
                throw new ForbiddenException($"您不是 {request.Level} 级的责任人 / You do not answer for level {request.Level}.");
            }
        }, c => CrisisDecider.Decide(command, c), ct);
    }

    private static async Task<Ok<CrisisEscalation>> Resolve(Guid id, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        var command = new ResolveCrisis(id, caller.Subject, clock.GetUtcNow());
        return await session.Change<CrisisEscalation>(http, id, c =>
        {
            if (!Sees(caller, c)) throw new NotFoundException("未找到 / Not found.");
            if (!(AnswersFor(caller, c, CrisisLevel.Counsellor) || AnswersFor(caller, c, CrisisLevel.Principal)))
            {
                throw new ForbiddenException("只有心理教师或校长可以解除 / Only the counsellor or the principal resolves a crisis.");
            }
        }, c => CrisisDecider.Decide(command, c), ct);
    }
}
