using JiaoLianTi.Alliances.Alliances;
using JiaoLianTi.Alliances.Contracts;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.Alliances.Resources;

/// <summary>The body of <c>POST /api/alliances/{id}/resources</c>.</summary>
public sealed record PublishResourceRequest(
    Guid? UnitId, ResourceKind? Kind, string? Title, IReadOnlyList<string>? Topics, int? Capacity, string? Schedule);

public static class ResourcesApi
{
    public static readonly IReadOnlySet<string> Topics = new HashSet<string>(StringComparer.Ordinal)
    {
        Pairings.VenueSchool, Pairings.MedicalEducation, Pairings.SportEducation, Pairings.FamilySchool,
        Pairings.CommunityEducation, Pairings.PoliceSchool,
    };

    public static IEndpointRouteBuilder MapResourceEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/alliances/{allianceId:guid}/resources", Publish).WithTags("Resources 资源清单")
            .WithSummary("发布资源 / Publish a resource");
        var group = app.MapGroup("/api/alliances/resources").WithTags("Resources 资源清单");
        group.MapGet("/", List).WithSummary("资源清单 / Resources in the caller's region");
        group.MapGet("/{id:guid}", Get).WithSummary("资源 / A resource");
        group.MapPost("/{id:guid}/withdraw", Withdraw).WithSummary("撤回资源 / Withdraw a resource");
        return app;
    }

    private static async Task<Created<Resource>> Publish(
        Guid allianceId, PublishResourceRequest request, HttpContext http, IDocumentSession session, TimeProvider clock,
        CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation()
            .Required("unitId", request.UnitId)
            .Required("kind", request.Kind)
            .Required("title", request.Title).MaxLength("title", request.Title, 200)
            .Check(request.Topics is { Count: > 0 }, "topics", "至少一个主题 / needs at least one topic")
            .Check(request.Topics is null || request.Topics.All(Topics.Contains), "topics",
                $"只能是 {string.Join(", ", Topics)} / must be among {string.Join(", ", Topics)}")
            .Required("capacity", request.Capacity)
            .Check(request.Capacity is null or (>= 1 and <= 100_000), "capacity", "须在 1 到 100000 之间 / must be between 1 and 100000")
            .MaxLength("schedule", request.Schedule, 500)
            .ThrowIfInvalid();
        var alliance = caller.Visible(await session.LoadAsync<Alliance>(allianceId, ct), a => a.CountyCode, "教联体 Alliance");
        var unit = await AlliancesApi.VisibleUnit(session, caller, request.UnitId!.Value, "unitId", ct);
        Access.Require(caller.Manages(alliance) || (caller.Role == Role.MemberOfficer && caller.MemberUnitId == unit.Id),
            "只有教联体管理者或该成员单位可以发布资源 / Only the alliance's managers or the unit itself may publish its resources.");

        var command = new PublishResource(Guid.CreateVersion7(), alliance, unit, request.Kind!.Value, request.Title!,
            request.Topics!, request.Capacity!.Value, request.Schedule ?? "", caller.Subject, clock.GetUtcNow());
        return await session.Start<Resource>(http, command.ResourceId, ResourceDecider.Decide(command, null),
            $"/api/alliances/resources/{command.ResourceId}", ct);
    }

    private static async Task<Ok<Page<Resource>>> List(
        HttpContext http, IQuerySession session, int? page, int? pageSize, string? county, string? topic,
        ResourceKind? kind, ResourceStatus? status, Guid? allianceId, Guid? unitId, CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        new Validation().Check(topic is null || Topics.Contains(topic), "topic",
            $"只能是 {string.Join(", ", Topics)} / must be among {string.Join(", ", Topics)}").ThrowIfInvalid();
        var query = session.Query<Resource>().Where(r => r.CountyCode.StartsWith(caller.Region));
        if (!string.IsNullOrEmpty(county)) query = query.Where(r => r.CountyCode.StartsWith(county));
        if (topic is not null) query = query.Where(r => r.Topics.Contains(topic));
        if (kind is { } k) query = query.Where(r => r.Kind == k);
        if (status is { } s) query = query.Where(r => r.Status == s);
        if (allianceId is { } a) query = query.Where(r => r.AllianceId == a);
        if (unitId is { } u) query = query.Where(r => r.UnitId == u);
        return TypedResults.Ok(await (await query.OrderByDescending(r => r.PublishedAt).ToPageAsync(paging, ct)).NamedAsync(session, ct));
    }

    private static async Task<Results<Ok<Resource>, StatusCodeHttpResult>> Get(
        Guid id, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        var resource = http.Caller().Visible(await session.LoadAsync<Resource>(id, ct), r => r.CountyCode, "资源 Resource");
        return http.Versioned(resource, resource.Version);
    }

    private static async Task<Ok<Resource>> Withdraw(
        Guid id, ReasonRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation().Required("reason", request.Reason).MaxLength("reason", request.Reason, 2000).ThrowIfInvalid();
        var resource = caller.Visible(await session.LoadAsync<Resource>(id, ct), r => r.CountyCode, "资源 Resource");
        var alliance = await session.LoadAsync<Alliance>(resource.AllianceId, ct);
        var command = new WithdrawResource(id, request.Reason!, caller.Subject, clock.GetUtcNow());
        return await session.Change<Resource>(http, id, state => Access.Require((alliance is not null && caller.Manages(alliance))
                || (caller.Role == Role.MemberOfficer && caller.MemberUnitId == state.UnitId),
                "只有教联体管理者或该成员单位可以撤回资源 / Only the alliance's managers or the unit itself may withdraw it."),
            state => ResourceDecider.Decide(command, state), ct);
    }
}
