using JiaoLianTi.Alliances.Alliances;
using JiaoLianTi.Platform.Http;

namespace JiaoLianTi.Alliances.Responsibilities;

/// <summary>assigned -> in progress -> done; overdue (found by the periodic check) until done.</summary>
public enum ResponsibilityStatus { Assigned, InProgress, Overdue, Done }

public record ResponsibilityAssigned(
    Guid ResponsibilityId, Guid AllianceId, Guid UnitId, string Title, string Description, DateOnly DueOn, int SlaDays,
    string CountyCode, Guid? MeetingId, string AssignedBy, DateTimeOffset At);
public record ResponsibilityStarted(Guid ResponsibilityId, string StartedBy, DateTimeOffset At);
public record ResponsibilityDone(Guid ResponsibilityId, string Note, string DoneBy, DateTimeOffset At);
public record ResponsibilityOverdue(
    Guid ResponsibilityId, Guid AllianceId, Guid UnitId, DateOnly DueOn, string CountyCode, DateTimeOffset At);
/// <summary>Escalated to the education bureau of <paramref name="CountyCode"/> (its county admins see it).</summary>
public record ResponsibilityEscalated(Guid ResponsibilityId, Guid AllianceId, Guid UnitId, string CountyCode, DateTimeOffset At);
/// <summary>
/// The responsibility was brought in from the province's existing records (导入), with its real dates: the events
/// before this one carry them; this one says who imported it, when, and under which reference of the source.
/// </summary>
public record ResponsibilityImported(Guid ResponsibilityId, string Ref, string ImportedBy, DateTimeOffset At);
/// <summary>A reminder went to the unit's inbox <paramref name="DaysBefore"/> days before <paramref name="Deadline"/>.</summary>
public record ResponsibilityReminded(Guid ResponsibilityId, Guid UnitId, DateTimeOffset Deadline, int DaysBefore, DateTimeOffset At);

/// <summary>责任清单: one responsibility, its state and its inline read model.</summary>
public sealed record Responsibility(
    Guid Id, Guid AllianceId, Guid UnitId, string Title, string Description, DateOnly DueOn, int SlaDays,
    string CountyCode, ResponsibilityStatus Status, DateTimeOffset AssignedAt)
{
    /// <summary>China's dates: a duty due on a day is late from midnight (UTC+8) after its last SLA day.</summary>
    public static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    public long Version { get; set; }
    public Guid? MeetingId { get; init; }
    /// <summary>Names beside the ids, in lists (<see cref="Names"/>); never stored.</summary>
    public string? AllianceName { get; init; }
    public string? UnitName { get; init; }
    /// <summary>The moment it becomes overdue: the end of <see cref="DueOn"/> plus <see cref="SlaDays"/>, China time.</summary>
    public DateTimeOffset Deadline { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? DoneAt { get; init; }
    public string? Note { get; init; }
    public DateTimeOffset? OverdueAt { get; init; }
    public DateTimeOffset? EscalatedAt { get; init; }
    /// <summary>When the deadline reminder went to the unit's inbox (once).</summary>
    public DateTimeOffset? RemindedAt { get; init; }
    /// <summary>The source's reference when it was imported (<see cref="ResponsibilityImported"/>).</summary>
    public string? ImportRef { get; init; }
    public IReadOnlyList<StatusStep> History { get; init; } = [];

    public static DateTimeOffset DeadlineOf(DateOnly dueOn, int slaDays) =>
        new DateTimeOffset(dueOn.AddDays(slaDays + 1).ToDateTime(TimeOnly.MinValue), ChinaOffset);

    public static DateOnly TodayInChina(DateTimeOffset now) => DateOnly.FromDateTime(now.ToOffset(ChinaOffset).DateTime);

    public static Responsibility Create(ResponsibilityAssigned e) =>
        new(e.ResponsibilityId, e.AllianceId, e.UnitId, e.Title, e.Description, e.DueOn, e.SlaDays, e.CountyCode,
            ResponsibilityStatus.Assigned, e.At)
        {
            MeetingId = e.MeetingId, Deadline = DeadlineOf(e.DueOn, e.SlaDays),
            History = [new StatusStep(nameof(ResponsibilityStatus.Assigned), e.At, e.AssignedBy)],
        };

    public Responsibility Apply(ResponsibilityStarted e) => this with
    {
        Status = Status == ResponsibilityStatus.Overdue ? Status : ResponsibilityStatus.InProgress, StartedAt = e.At,
        History = [.. History, new StatusStep(nameof(ResponsibilityStatus.InProgress), e.At, e.StartedBy)],
    };
    public Responsibility Apply(ResponsibilityDone e) => this with
    {
        Status = ResponsibilityStatus.Done, DoneAt = e.At, Note = e.Note,
        History = [.. History, new StatusStep(nameof(ResponsibilityStatus.Done), e.At, e.DoneBy, e.Note)],
    };
    public Responsibility Apply(ResponsibilityOverdue e) => this with
    {
        Status = ResponsibilityStatus.Overdue, OverdueAt = e.At,
        History = [.. History, new StatusStep(nameof(ResponsibilityStatus.Overdue), e.At, StatusStep.System)],
    };
    public Responsibility Apply(ResponsibilityEscalated e) => this with
    {
        EscalatedAt = e.At, History = [.. History, new StatusStep("Escalated", e.At, StatusStep.System, e.CountyCode)],
    };
    public Responsibility Apply(ResponsibilityImported e) => this with
    {
        ImportRef = e.Ref, History = [.. History, new StatusStep("Imported", e.At, e.ImportedBy, e.Ref)],
    };
    public Responsibility Apply(ResponsibilityReminded e) => this with
    {
        RemindedAt = e.At, History = [.. History, new StatusStep("Reminded", e.At, StatusStep.System, $"{e.DaysBefore} 天前提醒 / {e.DaysBefore} days before")],
    };
}

public record AssignResponsibility(
    Guid ResponsibilityId, Alliance Alliance, Guid UnitId, string Title, string Description, DateOnly DueOn, int SlaDays,
    Guid? MeetingId, string By, DateTimeOffset Now);
public record StartResponsibility(Guid ResponsibilityId, Guid? CallerUnitId, string By, DateTimeOffset Now);
public record CompleteResponsibility(Guid ResponsibilityId, Guid? CallerUnitId, bool CallerManages, string Note, string By, DateTimeOffset Now);
/// <summary>The periodic check's command: nothing happens before the deadline, nor a second time.</summary>
public record MarkOverdue(Guid ResponsibilityId, DateTimeOffset Now);
/// <summary>
/// Brings in an existing record with its real dates (a province moving onto the system): assigned at
/// <paramref name="AssignedAt"/>, started and done when they were. A due date in the past is history here, not an
/// error; the overdue check then treats it as any other. Importing the same reference again appends nothing.
/// </summary>
public record ImportResponsibility(
    Guid ResponsibilityId, string Ref, Alliance Alliance, Guid UnitId, string Title, string Description, DateOnly DueOn,
    int SlaDays, DateTimeOffset AssignedAt, DateTimeOffset? StartedAt, DateTimeOffset? DoneAt, string? Note, string By,
    DateTimeOffset Now);
/// <summary>The reminder check's command: once, from <paramref name="DaysBefore"/> days before the deadline until it.</summary>
public record RemindBeforeDeadline(Guid ResponsibilityId, int DaysBefore, DateTimeOffset Now);

public static class ResponsibilityDecider
{
    public static IReadOnlyList<object> Decide(AssignResponsibility c, Responsibility? state)
    {
        if (state is not null) throw new RuleViolation("responsibility-exists", "责任已存在 / The responsibility already exists.");
        if (c.Alliance.Status != AllianceStatus.Established)
        {
            throw new RuleViolation("alliance-not-established",
                $"教联体当前为 {c.Alliance.Status}，不能分配责任 / The alliance is {c.Alliance.Status}: it takes on no new work.");
        }
        if (!c.Alliance.IsMember(c.UnitId))
        {
            throw new RuleViolation("unit-not-member", "该单位不是此教联体成员 / The unit is not a member of this alliance.");
        }
        if (c.DueOn < Responsibility.TodayInChina(c.Now))
        {
            throw new RuleViolation("due-in-past", $"截止日期 {c.DueOn:yyyy-MM-dd} 已过 / The due date {c.DueOn:yyyy-MM-dd} is in the past.");
        }
        return [new ResponsibilityAssigned(c.ResponsibilityId, c.Alliance.Id, c.UnitId, c.Title.Trim(), c.Description.Trim(),
            c.DueOn, c.SlaDays, c.Alliance.CountyCode, c.MeetingId, c.By, c.Now)];
    }

    public static IReadOnlyList<object> Decide(StartResponsibility c, Responsibility state)
    {
        EnsureOwner(state, c.CallerUnitId);
        return state.Status switch
        {
            ResponsibilityStatus.Done => throw new RuleViolation("responsibility-done", "责任已完成 / The responsibility is done."),
            _ when state.StartedAt is not null => [],
            _ => [new ResponsibilityStarted(state.Id, c.By, c.Now)],
        };
    }

    public static IReadOnlyList<object> Decide(CompleteResponsibility c, Responsibility state)
    {
        if (!c.CallerManages) EnsureOwner(state, c.CallerUnitId);
        return state.Status == ResponsibilityStatus.Done
            ? throw new RuleViolation("responsibility-done", "责任已完成 / The responsibility is done.")
            : [new ResponsibilityDone(state.Id, c.Note.Trim(), c.By, c.Now)];
    }

    public static IReadOnlyList<object> Decide(MarkOverdue c, Responsibility state) =>
        state.Status == ResponsibilityStatus.Done || state.OverdueAt is not null || c.Now < state.Deadline
            ? []
            :
            [
                new ResponsibilityOverdue(state.Id, state.AllianceId, state.UnitId, state.DueOn, state.CountyCode, c.Now),
                new ResponsibilityEscalated(state.Id, state.AllianceId, state.UnitId, state.CountyCode, c.Now),
            ];

    public static IReadOnlyList<object> Decide(ImportResponsibility c, Responsibility? state)
    {
        if (state is not null)
        {
            return [];
        }
        if (c.Alliance.Status == AllianceStatus.Proposed)
        {
            throw new RuleViolation("alliance-not-established",
                $"记录 {c.Ref}：教联体尚在筹建，没有责任 / Record {c.Ref}: the alliance is only proposed and has no responsibilities.");
        }
        if (!c.Alliance.IsMember(c.UnitId))
        {
            throw new RuleViolation("unit-not-member",
                $"记录 {c.Ref}：该单位不是此教联体成员 / Record {c.Ref}: the unit is not a member of this alliance.");
        }
        var by = $"{c.By} 导入 import";
        return
        [
            new ResponsibilityAssigned(c.ResponsibilityId, c.Alliance.Id, c.UnitId, c.Title.Trim(), c.Description.Trim(), c.DueOn,
                c.SlaDays, c.Alliance.CountyCode, null, by, c.AssignedAt),
            .. c.StartedAt is { } started ? [new ResponsibilityStarted(c.ResponsibilityId, by, started)] : Array.Empty<object>(),
            .. c.DoneAt is { } done ? [new ResponsibilityDone(c.ResponsibilityId, c.Note?.Trim() ?? "", by, done)] : Array.Empty<object>(),
            new ResponsibilityImported(c.ResponsibilityId, c.Ref, c.By, c.Now),
        ];
    }

    public static IReadOnlyList<object> Decide(RemindBeforeDeadline c, Responsibility state) =>
        state.Status == ResponsibilityStatus.Done || state.RemindedAt is not null || state.OverdueAt is not null
        || c.Now < state.Deadline.AddDays(-c.DaysBefore) || c.Now >= state.Deadline
            ? []
            : [new ResponsibilityReminded(state.Id, state.UnitId, state.Deadline, c.DaysBefore, c.Now)];

    private static void EnsureOwner(Responsibility state, Guid? unitId)
    {
        if (unitId != state.UnitId)
        {
            throw new RuleViolation("responsibility-not-yours", "该责任不属于您的单位 / This responsibility is not your unit's.");
        }
    }
}
