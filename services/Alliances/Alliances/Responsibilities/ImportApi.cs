using JiaoLianTi.Alliances.Alliances;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.Alliances.Responsibilities;

/// <summary>One existing record to bring in, with its real dates. <c>ref</c> is the source's own reference.</summary>
public sealed record ImportedResponsibilityRecord(
    string? Ref, Guid? AllianceId, Guid? UnitId, string? Title, string? Description, DateOnly? DueOn, int? SlaDays,
    DateTimeOffset? AssignedAt, DateTimeOffset? StartedAt, DateTimeOffset? DoneAt, string? Note);

public sealed record ImportResponsibilitiesRequest(IReadOnlyList<ImportedResponsibilityRecord>? Records);

public sealed record ImportedItem(string Ref, Guid Id, string Outcome);

public sealed record ImportResult(int Imported, int AlreadyImported, IReadOnlyList<ImportedItem> Items);

/// <summary>
/// 导入 Import: how a province brings its existing responsibilities in, with their real dates (assigned, started,
/// done), and how the demo seed leaves items already overdue. Education bureaus, for alliances in their region.
/// All or nothing: a refused record refuses the batch and nothing is appended. Idempotent by (county, ref).
/// </summary>
public static class ImportApi
{
    public const int MaxRecords = 1000;
    private static readonly Guid ImportIds = new("b1f1e9f4-7d0c-4a57-9a3e-52c0e6d4a7a2");

    public static IEndpointRouteBuilder MapImportEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/alliances/import/responsibilities", Import).WithTags("Import 导入")
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(4 * 1024 * 1024)) // up to 1,000 records
            .WithSummary("导入已有责任（保留真实日期） / Import existing responsibilities with their real dates");
        return app;
    }

    private static async Task<Ok<ImportResult>> Import(
        ImportResponsibilitiesRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        Access.Require(caller.IsAdministration, "只有教育行政部门可以导入 / Only education bureaus may import records.");
        var now = clock.GetUtcNow();
        var records = request.Records ?? [];
        var v = new Validation()
            .Check(records.Count is > 0 and <= MaxRecords, "records", $"须为 1 到 {MaxRecords} 条 / must hold 1 to {MaxRecords} records");
        for (var i = 0; i < records.Count; i++)
        {
            var r = records[i];
            var at = $"records[{i}].";
            v.Required(at + "ref", r.Ref).MaxLength(at + "ref", r.Ref, 100)
                .Required(at + "allianceId", r.AllianceId)
                .Required(at + "assignedAt", r.AssignedAt)
                .Check(r.AssignedAt is null || r.AssignedAt <= now, at + "assignedAt", "不能晚于现在 / must not be in the future")
                .Check(r.StartedAt is null || (r.StartedAt >= r.AssignedAt && r.StartedAt <= now), at + "startedAt",
                    "须在分配之后、现在之前 / must lie between assignedAt and now")
                .Check(r.DoneAt is null || (r.DoneAt >= r.AssignedAt && r.DoneAt <= now), at + "doneAt",
                    "须在分配之后、现在之前 / must lie between assignedAt and now");
            ResponsibilitiesApi.Check(v, at, r.UnitId, r.Title, r.Description, r.DueOn, r.SlaDays);
        }
        v.Check(records.Select(r => r.Ref).Distinct().Count() == records.Count, "records", "ref 须各不相同 / each ref must be unique")
            .ThrowIfInvalid();

        var alliances = new Dictionary<Guid, Alliance>();
        var items = new List<ImportedItem>();
        foreach (var r in records)
        {
            if (!alliances.TryGetValue(r.AllianceId!.Value, out var alliance))
            {
                alliance = caller.Visible(await session.LoadAsync<Alliance>(r.AllianceId.Value, ct), a => a.CountyCode, "教联体 Alliance");
                alliances[alliance.Id] = alliance;
            }
            var id = NameBasedIds.Create(ImportIds, $"{alliance.CountyCode}|{r.Ref!.Trim()}");
            var existing = await session.LoadAsync<Responsibility>(id, ct);
            var events = ResponsibilityDecider.Decide(new ImportResponsibility(id, r.Ref.Trim(), alliance, r.UnitId!.Value, r.Title!,
                r.Description ?? "", r.DueOn!.Value, r.SlaDays ?? 0, r.AssignedAt!.Value, r.StartedAt, r.DoneAt, r.Note,
                caller.Subject, now), existing);
            if (events.Count > 0)
            {
                session.Events.StartStream<Responsibility>(id, events.ToArray());
            }
            items.Add(new ImportedItem(r.Ref.Trim(), id, events.Count > 0 ? "Imported" : "AlreadyImported"));
        }
        await session.SaveChangesAsync(ct);
        return TypedResults.Ok(new ImportResult(items.Count(i => i.Outcome == "Imported"), items.Count(i => i.Outcome != "Imported"), items));
    }
}
