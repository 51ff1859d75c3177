using System.Globalization;
using JasperFx;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Wellbeing.Children;
using Marten;

using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace JiaoLianTi.Wellbeing.Screening;

/// <summary>
/// CSV upload of a screening round: <c>studentId,score,takenOn</c> (UTF-8, header first, optional <c>instrument</c>
/// column). Every row is checked before anything is written; malformed rows are reported one by one and left out, valid
/// rows are kept. A row is applied whole (its result and any tier change together) or not at all. Appends are batched:
/// one SaveChanges per <see cref="BatchSize"/> rows.
/// </summary>
public static class ScreeningImport
{
    public const int BatchSize = 500;
    public const int MaxRows = 100_000;

    public static RouteGroupBuilder MapScreeningEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/wellbeing/screenings").WithTags("Screening 心理健康筛查");
        group.MapPost("/rounds", Import).Accepts<string>("text/csv")
            .WithSummary("导入筛查轮次 CSV / Import a screening round from CSV");
        group.MapScreeningRoundEndpoints();
        return group;
    }

    private static async Task<Results<Ok<ImportReport>, BadRequest<HttpValidationProblemDetails>>> Import(
        HttpContext http, Guid? schoolId, string? instrument, IDocumentSession session, ChildReactions reactions,
        IOptions<WellbeingOptions> options, TimeProvider clock, ILoggerFactory logs, CancellationToken ct)
    {
        var caller = http.Caller();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var school = schoolId ?? caller.SchoolId;
        new Validation().Required("schoolId", school).MaxLength("instrument", instrument, 50).ThrowIfInvalid();
        if (caller.Role is not (Role.SchoolAdmin or Role.Counsellor) || caller.SchoolId != school)
        {
            throw new ForbiddenException("只有本校管理员或心理教师可以导入筛查结果 / Only the school's admins and counsellors import its screenings.");
        }
        var now = clock.GetUtcNow();
        var today = ChinaDays.Of(now);
        using var reader = new StreamReader(http.Request.Body);
        var (rows, errors) = await ScreeningCsv.ParseAsync(reader, today, ct);

        // Rows that parse must also name a child of this school whose record may be processed.
        var accepted = new List<(ParsedRow Row, Child Child)>(rows.Count);
        foreach (var chunk in rows.Chunk(1000))
        {
            var children = (await session.LoadManyAsync<Child>(ct, chunk.Select(r => r.StudentId).Distinct().ToArray()))
                .ToDictionary(c => c.Id);
            foreach (var row in chunk)
            {
                var child = children.GetValueOrDefault(row.StudentId);
                var problem = child switch
                {
                    null => "本校没有该学生的档案 / is not a recorded child of this school",
                    _ when child.SchoolId != school => "本校没有该学生的档案 / is not a recorded child of this school",
                    { Erased: true } => "该档案已删除 / the record was erased",
                    { UnderFourteen: true } when child.Consent != ConsentStatus.Given => "无监护人同意 / has no guardian consent",
                    _ => null,
                };
                if (problem is null)
                {
                    accepted.Add((row, child!));
                }
                else
                {
                    errors.Add(new RowError(row.Row, row.Line, new Dictionary<string, string[]> { ["studentId"] = [problem] }));
                }
            }
        }
        errors.Sort((a, b) => a.Row.CompareTo(b.Row));
        if (accepted.Count == 0)
        {
            // Nothing valid: a malformed file, refused whole, nothing appended.
            var problem = new HttpValidationProblemDetails(errors.Take(200).ToDictionary(
                e => $"row[{e.Row}]", e => e.Errors.SelectMany(x => x.Value.Select(m => $"{x.Key}: {m}")).ToArray()))
            {
                Status = 400, Title = "CSV 无有效行 / The CSV has no valid row",
                Detail = $"{errors.Count} 行无效 / {errors.Count} row(s) refused; nothing was imported.",
            };
            problem.Extensions["rejected"] = errors.Take(1000).ToArray();
            return TypedResults.BadRequest(problem);
        }

        var validated = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        var tiers = options.Value.Tiers;
        var roundId = Guid.CreateVersion7();
        var tool = instrument?.Trim() is { Length: > 0 } named ? named : "MHT";
        int tierChanges = 0, crises = 0;
        foreach (var batch in accepted.Chunk(BatchSize))
        {
            var (changed, crisesStarted) = await ApplyBatchAsync(session, reactions, batch, roundId, tool, tiers, caller.Subject, now, errors, ct);
            tierChanges += changed;
            crises += crisesStarted;
        }
        errors.Sort((a, b) => a.Row.CompareTo(b.Row));
        var kept = accepted.Count - errors.Count(e => accepted.Any(a => a.Row.Row == e.Row));
        var county = accepted[0].Child.CountyCode;
        session.Events.StartStream<ScreeningRound>(roundId, new ScreeningRoundImported(roundId, school!.Value, county, tool,
            accepted.Count + errors.Count - (accepted.Count - kept), kept, tierChanges, crises, errors, caller.Subject, now));
        await session.SaveChangesAsync(ct);
        logs.CreateLogger("JiaoLianTi.Wellbeing.Screening").LogInformation(
            "筛查导入 / Screening round {RoundId}: {Accepted} rows kept, {Rejected} refused, in {Seconds:F1} s (checking {Validate:F1} s)",
            roundId, kept, errors.Count, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds, validated.TotalSeconds);
        return TypedResults.Ok(new ImportReport(roundId, school.Value, kept + errors.Count, kept, errors.Count,
            tierChanges, crises, errors));
    }

    /// <summary>
    /// One transaction for a batch of rows, appended at the versions the children were read at (Marten's expected
    /// version is the version after the append). A concurrent change to one of them fails the commit, and the batch is
    /// reloaded and decided again. A row a rule refuses now (the record was erased since it was checked) is reported,
    /// not applied. (Fetching the batch for writing in one batch query, with the identity map reused by the inline
    /// snapshots, measured no faster here.)
    /// </summary>
    private static async Task<(int TierChanges, int Crises)> ApplyBatchAsync(
        IDocumentSession session, ChildReactions reactions, (ParsedRow Row, Child Child)[] batch, Guid roundId, string instrument,
        TierThresholds tiers, string by, DateTimeOffset now, List<RowError> errors, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var states = batch.Select(b => b.Child).DistinctBy(c => c.Id).ToDictionary(c => c.Id);
            if (attempt > 1)
            {
                states = (await session.LoadManyAsync<Child>(ct, states.Keys.ToArray())).ToDictionary(c => c.Id);
            }
            var versions = states.ToDictionary(s => s.Key, s => s.Value.Version);
            var pending = new Dictionary<Guid, List<object>>();
            var refused = new List<RowError>();
            int changed = 0, crises = 0;
            foreach (var (row, _) in batch)
            {
                var state = states[row.StudentId];
                IReadOnlyList<object> events;
                try
                {
                    events = ChildDecider.Decide(new RecordScreening(row.StudentId, roundId, row.Instrument ?? instrument, row.Score,
                        tiers.TierOf(row.Score), row.TakenOn, by, now), state);
                }
                catch (RuleViolation violation)
                {
                    refused.Add(new RowError(row.Row, row.Line, new Dictionary<string, string[]> { ["studentId"] = [violation.Message] }));
                    continue;
                }
                if (!pending.TryGetValue(row.StudentId, out var list))
                {
                    pending[row.StudentId] = list = [];
                }
                list.AddRange(events);
                foreach (var e in events)
                {
                    if (e is ScreeningResultRecorded r) state = state.Apply(r);
                    if (e is TierChanged t)
                    {
                        changed++;
                        if (t.To == Tier.Red) crises++;
                    }
                }
                await reactions.StageAsync(states[row.StudentId], events, ct);
                states[row.StudentId] = state;
            }
            foreach (var (id, events) in pending)
            {
                session.Events.Append(id, versions[id] + events.Count, events.ToArray());
            }
            try
            {
                await session.SaveChangesAsync(ct);
                errors.AddRange(refused);
                return (changed, crises);
            }
            catch (Exception e) when (e is ConcurrencyException or JasperFx.Events.EventStreamUnexpectedMaxEventIdException && attempt < 3)
            {
                session.EjectAllPendingChanges();
            }
        }
    }
}
