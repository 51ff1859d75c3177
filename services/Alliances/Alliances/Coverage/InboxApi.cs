using JiaoLianTi.Alliances.Needs;
using JiaoLianTi.Alliances.Responsibilities;
using JiaoLianTi.Alliances.Units;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.Alliances.Coverage;

/// <summary>A unit's inbox: the open needs matched to it, the responsibilities it still owes, and its alerts.</summary>
public sealed record Inbox(Guid UnitId, Page<Need> Needs, Page<Responsibility> Responsibilities, IReadOnlyList<Alert> Alerts);

/// <summary>
/// 提醒: something the unit should act on soon. <c>DeadlineReminder</c>: a responsibility's deadline is near
/// (<c>Alliances:Responsibilities:ReminderDaysBefore</c> days); <c>Overdue</c>: it has passed and the county was told.
/// </summary>
public sealed record Alert(string Kind, Guid ResponsibilityId, string Title, DateOnly DueOn, DateTimeOffset Deadline, DateTimeOffset At, string Message);

public static class InboxApi
{
    public static IEndpointRouteBuilder MapInboxEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/alliances/inbox", Get).WithTags("Inbox 待办")
            .WithSummary("成员单位待办：分派的需求与责任 / A member unit's inbox: needs and responsibilities assigned to it");
        return app;
    }

    private static async Task<Ok<Inbox>> Get(
        HttpContext http, IQuerySession session, Guid? unitId, int? page, int? pageSize, CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        var own = caller.Role switch
        {
            Role.MemberOfficer => caller.MemberUnitId,
            Role.SchoolAdmin => caller.SchoolId,
            _ => null,
        };
        var unit = unitId ?? own;
        new Validation().Check(unit is not null, "unitId", "必填（您的令牌不属于某个成员单位） / is required: your token names no unit").ThrowIfInvalid();
        if (unit != own)
        {
            // Admins may open a unit's inbox in their region; no one else sees another unit's.
            var target = caller.Visible(await session.LoadAsync<MemberUnit>(unit!.Value, ct), u => u.CountyCode, "成员单位 Unit");
            Access.Require(caller.IsAdministration, "只能查看本单位的待办 / You may see only your own unit's inbox.");
            unit = target.Id;
        }
        var id = unit!.Value;
        var needs = await session.Query<Need>()
            .Where(n => n.MatchedUnitId == id && (n.Status == NeedStatus.Matched || n.Status == NeedStatus.Accepted))
            .OrderBy(n => n.RaisedAt).ToPageAsync(paging, ct);
        var duties = await session.Query<Responsibility>()
            .Where(r => r.UnitId == id && r.Status != ResponsibilityStatus.Done)
            .OrderBy(r => r.DueOn).ToPageAsync(paging, ct);
        var alerted = await session.Query<Responsibility>()
            .Where(r => r.UnitId == id && r.Status != ResponsibilityStatus.Done && (r.RemindedAt != null || r.OverdueAt != null))
            .OrderBy(r => r.Deadline).Take(200).ToListAsync(ct);
        var alerts = alerted.Select(r => r.OverdueAt is { } overdue
                ? new Alert("Overdue", r.Id, r.Title, r.DueOn, r.Deadline, overdue,
                    $"「{r.Title}」已逾期，已报县级督办 / \"{r.Title}\" is overdue and was escalated to the county")
                : new Alert("DeadlineReminder", r.Id, r.Title, r.DueOn, r.Deadline, r.RemindedAt!.Value,
                    $"「{r.Title}」将于 {r.Deadline.ToOffset(Responsibility.ChinaOffset):yyyy-MM-dd HH:mm} 到期 / \"{r.Title}\" is due by {r.Deadline:u}"))
            .OrderByDescending(a => a.At).ToList();
        return TypedResults.Ok(new Inbox(id, await needs.NamedAsync(session, ct), await duties.NamedAsync(session, ct), alerts));
    }
}
