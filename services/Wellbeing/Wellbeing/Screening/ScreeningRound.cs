using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.Wellbeing.Screening;

/// <summary>One refused row of a screening CSV: its data-row number, file line, and the fields at fault.</summary>
public sealed record RowError(int Row, int Line, IDictionary<string, string[]> Errors);

/// <summary>A screening round (筛查轮次) was imported: what was kept, what was refused and why.</summary>
public record ScreeningRoundImported(
    Guid RoundId, Guid SchoolId, string CountyCode, string Instrument, int Rows, int Accepted, int TierChanges, int CrisesStarted,
    IReadOnlyList<RowError> Rejected, string By, DateTimeOffset At);

public sealed record ScreeningRound(
    Guid Id, Guid SchoolId, string CountyCode, string Instrument, int Rows, int Accepted, int TierChanges, int CrisesStarted,
    IReadOnlyList<RowError> Rejected, DateTimeOffset At)
{
    public long Version { get; set; }

    public static ScreeningRound Create(ScreeningRoundImported e) =>
        new(e.RoundId, e.SchoolId, e.CountyCode, e.Instrument, e.Rows, e.Accepted, e.TierChanges, e.CrisesStarted, e.Rejected, e.At);
}

public sealed record ImportReport(
    Guid RoundId, Guid SchoolId, int Rows, int Accepted, int Rejected, int TierChanges, int CrisesStarted, IReadOnlyList<RowError> Errors);

/// <summary>A school's screening rounds, for its admins and counsellors.</summary>
public static class ScreeningRoundsApi
{
    public static RouteGroupBuilder MapScreeningRoundEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/rounds/{id:guid}", GetRound).WithSummary("筛查轮次结果 / A round's import report");
        group.MapGet("/rounds", ListRounds).WithSummary("筛查轮次列表 / Rounds of a school");
        return group;
    }

    private static async Task<Results<Ok<ScreeningRound>, StatusCodeHttpResult>> GetRound(Guid id, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        var caller = http.Caller();
        var round = await session.LoadAsync<ScreeningRound>(id, ct);
        if (round is null || !(caller.SchoolId == round.SchoolId && caller.Role is Role.SchoolAdmin or Role.Counsellor))
        {
            throw new NotFoundException("未找到 / Not found.");
        }
        return http.Versioned(round, round.Version);
    }

    private static async Task<Ok<Page<ScreeningRound>>> ListRounds(HttpContext http, IQuerySession session, int? page, int? pageSize, CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        if (caller.Role is not (Role.SchoolAdmin or Role.Counsellor) || caller.SchoolId is null)
        {
            throw new ForbiddenException("仅限本校管理员与心理教师 / Only the school's admins and counsellors.");
        }
        return TypedResults.Ok(await session.Query<ScreeningRound>().Where(r => r.SchoolId == caller.SchoolId)
            .OrderByDescending(r => r.At).ToPageAsync(paging, ct));
    }
}
