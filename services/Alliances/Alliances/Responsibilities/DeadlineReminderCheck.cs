using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Scheduling;
using Marten;
using Microsoft.Extensions.Options;

namespace JiaoLianTi.Alliances.Responsibilities;

/// <summary>Settings of the responsibility list (<c>Alliances:Responsibilities</c>).</summary>
public sealed class ResponsibilityOptions
{
    /// <summary>How many days before a responsibility's deadline its unit is reminded (in the unit's inbox).</summary>
    public int ReminderDaysBefore { get; set; } = 3;
}

/// <summary>
/// 截止提醒: finds undone responsibilities whose deadline is less than <see cref="ResponsibilityOptions.ReminderDaysBefore"/>
/// days away and not yet reminded, and reminds each once: the reminder shows among the unit's alerts in its inbox.
/// Idempotent like <see cref="OverdueCheck"/>.
/// </summary>
public sealed class DeadlineReminderCheck(IDocumentStore store, IOptions<ResponsibilityOptions> options) : IPeriodicCheck
{
    public async Task<int> RunAsync(DateTimeOffset now, CancellationToken ct)
    {
        var days = options.Value.ReminderDaysBefore;
        var horizon = now.AddDays(days);
        await using var query = store.QuerySession();
        var due = await query.Query<Responsibility>()
            .Where(r => r.Status != ResponsibilityStatus.Done && r.RemindedAt == null && r.OverdueAt == null
                        && r.Deadline <= horizon && r.Deadline > now)
            .OrderBy(r => r.Deadline)
            .Take(1000)
            .Select(r => r.Id)
            .ToListAsync(ct);
        var acted = 0;
        foreach (var id in due)
        {
            await using var session = store.LightweightSession();
            if (await session.Act<Responsibility>(id, state => ResponsibilityDecider.Decide(new RemindBeforeDeadline(id, days, now), state), ct) > 0)
            {
                acted++;
            }
        }
        return acted;
    }
}
