using JasperFx;
using JasperFx.Events;
using JiaoLianTi.CampusSafety;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.CampusSafety.Bullying;

/// <summary>
/// 查阅留痕 / reading a case: only the need-to-know read it, each read says why and is recorded before the case is
/// answered; the school's admins see who read it.
/// </summary>
public static class CaseReadingApi
{
    /// <summary>Why the caller reads a case: this header, or the <c>reason</c> query parameter.</summary>
    public const string ReasonHeader = "X-Access-Reason";

    public static RouteGroupBuilder MapCaseReadingEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/{id:guid}", Get).WithSummary("案件详情（须说明理由，留痕） / A case: needs a reason, and the read is recorded");
        group.MapGet("/{id:guid}/reads", Reads).WithSummary("查阅记录 / Who read the case, when and why");
        return group;
    }

    private static async Task<Ok<BullyingCaseView>> Get(
        Guid id, string? reason, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        var why = http.Request.Headers[ReasonHeader].ToString() is { Length: > 0 } header ? header : reason;
        BullyingCase @case;
        try
        {
            @case = await BullyingCasesApi.NeedToKnow(id, caller, session, clock, ct);
        }
        catch (NotFoundException)
        {
            if (await session.LoadAsync<BullyingCase>(id, ct) is null)
            {
                throw;
            }
            // A refused read of a case that exists is recorded as an attempt; the caller still learns nothing (404).
            await RecordAsync(session, id, new BullyingCaseRead(id, caller.Subject, caller.Role.ToString(),
                string.IsNullOrWhiteSpace(why) ? "" : why.Trim()[..Math.Min(why.Trim().Length, 500)], clock.GetUtcNow(), Refused: true), ct);
            throw;
        }
        new Validation()
            .Check(!string.IsNullOrWhiteSpace(why), "reason",
                $"查阅须说明理由（{ReasonHeader} 头或 reason 参数） / a reason is required ({ReasonHeader} header or reason parameter)")
            .MaxLength("reason", why, 500)
            .ThrowIfInvalid();
        // The read is recorded before the case is answered: no record, no read.
        await RecordAsync(session, id, new BullyingCaseRead(id, caller.Subject, caller.Role.ToString(), why!.Trim(), clock.GetUtcNow()), ct);
        http.SetETag(@case.Version);
        return TypedResults.Ok(BullyingCaseView.Of(@case, await RecordKey.LoadAsync(session, BullyingCasesApi.Master(http), id, ct)));
    }

    /// <summary>
    /// Appends one read to the case's access log. Reads at the same moment race for the log's next version: the loser
    /// appends again after the winner (a read is never refused, nor answered 409, because someone else read too).
    /// </summary>
    private static async Task RecordAsync(IDocumentSession session, Guid caseId, BullyingCaseRead read, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            session.Events.Append(BullyingCase.AccessLogId(caseId), read);
            try
            {
                await session.SaveChangesAsync(ct);
                return;
            }
            catch (Exception e) when (e is ConcurrencyException or EventStreamUnexpectedMaxEventIdException && attempt < 20)
            {
                session.EjectAllPendingChanges();
                await Task.Delay(Random.Shared.Next(1, 10 * attempt), ct);
            }
        }
    }

    private static async Task<Ok<Page<CaseReadRecord>>> Reads(
        Guid id, HttpContext http, IQuerySession session, TimeProvider clock, int? page, int? pageSize, CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        var @case = await BullyingCasesApi.NeedToKnow(id, caller, session, clock, ct);
        if (!caller.IsAdminOf(@case.SchoolId, @case.CountyCode))
        {
            throw new ForbiddenException("查阅记录仅供学校管理员 / The read log is for the school's admins.");
        }
        var reads = (await session.Events.FetchStreamAsync(BullyingCase.AccessLogId(id), token: ct))
            .Select(e => e.Data).OfType<BullyingCaseRead>()
            .Select(r => new CaseReadRecord(r.Reader, r.ReaderRole, r.Reason, r.At, r.Refused))
            .OrderByDescending(r => r.At).ToList();
        return TypedResults.Ok(paging.Of(reads));
    }
}
