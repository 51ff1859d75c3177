using JiaoLianTi.CampusSafety.Schools;
using JiaoLianTi.Platform.AlliancesReplica;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Kinds = JiaoLianTi.Alliances.Contracts.MemberUnitKinds;

namespace JiaoLianTi.CampusSafety.Drills;

public sealed record PlanDrillRequest(Guid? SchoolId, DrillKind? Kind, DateTimeOffset? PlannedFor);
public sealed record CompleteDrillRequest(int? Participants, int? DurationMinutes, IReadOnlyList<string>? Findings);
public sealed record CompleteFollowUpRequest(string? Note);

/// <summary>One school's drills in one term against what is required.</summary>
public sealed record DrillCompliance(
    Guid SchoolId, string SchoolName, string CountyCode, string Term, IReadOnlyList<DrillKind> Completed,
    IReadOnlyList<DrillKind> Missing, bool Met);

public static class DrillsApi
{
    public static void MapDrillEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/campussafety/drills").WithTags("EmergencyDrill 应急演练");
        group.MapPost("/", Plan).WithSummary("计划演练 / Plan a drill");
        group.MapGet("/", List).WithSummary("演练列表 / Drills");
        group.MapGet("/compliance", Compliance).WithSummary("本学期未达标学校 / Schools that have not met the required drills this term");
        group.MapGet("/{id:guid}", Get).WithSummary("演练详情 / A drill");
        group.MapPost("/{id:guid}/complete", Complete).WithSummary("演练完成 / Record the drill as carried out");
        group.MapPost("/{id:guid}/actions/{actionId:guid}/done", FollowUpDone).WithSummary("整改完成 / A follow-up action is done");
    }

    private static async Task<Created<EmergencyDrill>> Plan(
        PlanDrillRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation().Required("schoolId", request.SchoolId).Required("kind", request.Kind)
            .Required("plannedFor", request.PlannedFor).ThrowIfInvalid();
        var school = await session.School(request.SchoolId!.Value, ct);
        if (school is null || !caller.IsAdminOf(school.Id, school.CountyCode))
        {
            throw new ForbiddenException("只有本校管理员可以计划演练 / Only the school's admins may plan its drills.");
        }
        var command = new PlanDrill(Guid.CreateVersion7(), school.Id, school.CountyCode, request.Kind!.Value,
            request.PlannedFor!.Value, caller.Subject, clock.GetUtcNow());
        return await session.Start<EmergencyDrill>(http, command.DrillId, DrillDecider.Decide(command), $"/api/campussafety/drills/{command.DrillId}", ct);
    }

    private static async Task<Results<Ok<EmergencyDrill>, StatusCodeHttpResult>> Get(
        Guid id, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        var drill = await Visible(id, http.Caller(), session, ct);
        return http.Versioned(drill, drill.Version);
    }

    private static async Task<Ok<Page<EmergencyDrill>>> List(
        HttpContext http, IQuerySession session, int? page, int? pageSize, Guid? schoolId, DrillStatus? status,
        string? term, DrillKind? kind, CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        var query = Scoped(session.Query<EmergencyDrill>(), caller);
        if (schoolId is { } s) query = query.Where(d => d.SchoolId == s);
        if (status is { } st) query = query.Where(d => d.Status == st);
        if (!string.IsNullOrEmpty(term)) query = query.Where(d => d.Term == term);
        if (kind is { } k) query = query.Where(d => d.Kind == k);
        var drills = await query.OrderByDescending(d => d.PlannedFor).ToPageAsync(paging, ct);
        var names = await session.NamesAsync(drills.Items.Select(d => (Guid?)d.SchoolId), ct);
        return TypedResults.Ok(drills.Map(d => d with { SchoolName = names.GetValueOrDefault(d.SchoolId) }));
    }

    /// <summary>
    /// Every known school in the caller's region against <see cref="DrillDecider.RequiredPerTerm"/>, for the term
    /// asked (default: this term). By default only the schools that have not met it.
    /// </summary>
    private static async Task<Ok<Page<DrillCompliance>>> Compliance(
        HttpContext http, IQuerySession session, TimeProvider clock, int? page, int? pageSize, string? term,
        string? county, bool? unmetOnly, CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        new Validation().Check(term is null || Terms.IsTerm(term), "term", "形如 2026-Autumn / must look like 2026-Autumn").ThrowIfInvalid();
        if (!caller.IsAdministration && caller.Role != Role.SchoolAdmin)
        {
            throw new ForbiddenException("仅供教育行政部门和学校管理员 / For the administration and school admins.");
        }
        var forTerm = term ?? Terms.Of(clock.GetUtcNow());
        var region = caller.Region;
        var schools = session.Query<KnownUnit>().Where(u => u.Kind == Kinds.School && u.CountyCode.StartsWith(region));
        if (!string.IsNullOrEmpty(county)) schools = schools.Where(u => u.CountyCode.StartsWith(county));
        if (caller.Role == Role.SchoolAdmin)
        {
            var own = caller.SchoolId ?? Guid.Empty;
            schools = schools.Where(u => u.Id == own);
        }
        var known = await schools.OrderBy(u => u.CountyCode).ThenBy(u => u.Name).ToListAsync(ct);
        var ids = known.Select(u => u.Id).ToArray();
        var done = ids.Length == 0 ? [] : await session.Query<EmergencyDrill>()
            .Where(d => d.Status == DrillStatus.Completed && d.Term == forTerm && ids.Contains(d.SchoolId)).ToListAsync(ct);
        var bySchool = done.GroupBy(d => d.SchoolId).ToDictionary(g => g.Key, g => g.Select(d => d.Kind).Distinct().ToList());
        var rows = known.Select(u =>
            {
                var completed = bySchool.GetValueOrDefault(u.Id) ?? [];
                var missing = DrillDecider.RequiredPerTerm.Except(completed).ToList();
                return new DrillCompliance(u.Id, u.Name, u.CountyCode, forTerm, completed, missing, missing.Count == 0);
            })
            .Where(r => unmetOnly == false || !r.Met)
            .ToList();
        return TypedResults.Ok(paging.Of(rows));
    }

    private static async Task<Ok<EmergencyDrill>> Complete(
        Guid id, CompleteDrillRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        var findings = request.Findings ?? [];
        var validation = new Validation()
            .Required("participants", request.Participants)
            .Check(request.Participants is null or >= 1, "participants", "须大于 0 / must be 1 or more")
            .Required("durationMinutes", request.DurationMinutes)
            .Check(request.DurationMinutes is null or (>= 1 and <= 480), "durationMinutes", "须在 1 到 480 之间 / must be between 1 and 480")
            .Check(findings.Count <= 50, "findings", "最多 50 条 / at most 50");
        for (var i = 0; i < findings.Count; i++)
        {
            validation.Required($"findings[{i}]", findings[i]).MaxLength($"findings[{i}]", findings[i], 1000);
        }
        validation.ThrowIfInvalid();
        await SchoolAdminOnly(id, caller, session, ct);
        var command = new CompleteDrill(request.Participants!.Value, TimeSpan.FromMinutes(request.DurationMinutes!.Value),
            findings, caller.Subject, clock.GetUtcNow());
        return await session.Change<EmergencyDrill>(http, id, null, d => DrillDecider.Decide(command, d), ct);
    }

    private static async Task<Ok<EmergencyDrill>> FollowUpDone(
        Guid id, Guid actionId, CompleteFollowUpRequest request, HttpContext http, IDocumentSession session,
        TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation().Required("note", request.Note).MaxLength("note", request.Note, 1000).ThrowIfInvalid();
        await SchoolAdminOnly(id, caller, session, ct);
        var command = new CompleteFollowUp(actionId, request.Note!, caller.Subject, clock.GetUtcNow());
        return await session.Change<EmergencyDrill>(http, id, null, d => DrillDecider.Decide(command, d), ct);
    }


    private static async Task SchoolAdminOnly(Guid id, Caller caller, IQuerySession session, CancellationToken ct)
    {
        var drill = await Visible(id, caller, session, ct);
        if (!caller.IsAdminOf(drill.SchoolId, drill.CountyCode))
        {
            throw new ForbiddenException("只有本校管理员可以记录演练 / Only the school's admins may record its drills.");
        }
    }

    private static async Task<EmergencyDrill> Visible(Guid id, Caller caller, IQuerySession session, CancellationToken ct)
    {
        var drill = await session.LoadAsync<EmergencyDrill>(id, ct);
        return drill is not null && (caller.IsAdministrationOver(drill.CountyCode) || caller.IsStaffOf(drill.SchoolId, drill.CountyCode))
            ? drill
            : throw Access.NotFound("演练", id);
    }

    private static IQueryable<EmergencyDrill> Scoped(IQueryable<EmergencyDrill> query, Caller caller)
    {
        var region = caller.Region;
        if (caller.IsAdministration)
        {
            return query.Where(d => d.CountyCode.StartsWith(region));
        }
        var school = caller.Role is Role.SchoolAdmin or Role.Teacher or Role.Counsellor ? caller.SchoolId ?? Guid.Empty : Guid.Empty;
        return query.Where(d => d.SchoolId == school && d.CountyCode.StartsWith(region));
    }
}
