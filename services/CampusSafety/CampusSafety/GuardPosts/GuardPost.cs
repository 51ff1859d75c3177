namespace JiaoLianTi.CampusSafety.GuardPosts;

public enum ShiftKind { Arrival, Dismissal }

public enum ShiftStatus { Scheduled, CheckedIn, Missed }

public record GuardPostSetUp(Guid PostId, Guid SchoolId, string CountyCode, string Gate, string By, DateTimeOffset At);

public record GuardShiftScheduled(
    Guid PostId, Guid ShiftId, ShiftKind Kind, DateTimeOffset StartsAt, DateTimeOffset EndsAt, Guid? UnitId,
    string? Officer, string By, DateTimeOffset At);

public record GuardShiftCheckedIn(Guid PostId, Guid ShiftId, string Officer, DateTimeOffset At);

public record GuardShiftMarkedMissed(
    Guid PostId, Guid ShiftId, Guid SchoolId, string CountyCode, Guid? UnitId, DateTimeOffset StartsAt, DateTimeOffset At);

public sealed record GuardShift(
    Guid Id, ShiftKind Kind, DateTimeOffset StartsAt, DateTimeOffset EndsAt, Guid? UnitId, string? Officer,
    ShiftStatus Status, string? CheckedInBy = null, DateTimeOffset? CheckedInAt = null, DateTimeOffset? MissedAt = null);

/// <summary>护学岗: a post at a school's gate, and its rota of shifts. Also its inline read model.</summary>
public sealed record GuardPost(Guid Id, Guid SchoolId, string CountyCode, string Gate, DateTimeOffset SetUpAt)
{
    public long Version { get; set; }
    /// <summary>The school's name beside its id, in lists (from the replica of Alliances' facts); never stored.</summary>
    public string? SchoolName { get; init; }
    public IReadOnlyList<GuardShift> Shifts { get; init; } = [];
    /// <summary>Units and officers on the rota, so that an officer's own rota is one query.</summary>
    public IReadOnlyList<Guid> UnitIds { get; init; } = [];
    public IReadOnlyList<string> Officers { get; init; } = [];
    /// <summary>The start of the earliest shift nobody has checked in to yet: what the missed-shift check looks at.</summary>
    public DateTimeOffset? NextOpenShiftStartsAt { get; init; }

    public static GuardPost Create(GuardPostSetUp e) => new(e.PostId, e.SchoolId, e.CountyCode, e.Gate, e.At);

    public GuardPost Apply(GuardShiftScheduled e) => With([.. Shifts,
        new GuardShift(e.ShiftId, e.Kind, e.StartsAt, e.EndsAt, e.UnitId, e.Officer, ShiftStatus.Scheduled)]);

    public GuardPost Apply(GuardShiftCheckedIn e) => With(Shifts.Select(s => s.Id == e.ShiftId
        ? s with { Status = ShiftStatus.CheckedIn, CheckedInBy = e.Officer, CheckedInAt = e.At } : s).ToList());

    public GuardPost Apply(GuardShiftMarkedMissed e) => With(Shifts.Select(s => s.Id == e.ShiftId
        ? s with { Status = ShiftStatus.Missed, MissedAt = e.At } : s).ToList());

    private GuardPost With(IReadOnlyList<GuardShift> shifts) => this with
    {
        Shifts = shifts,
        UnitIds = shifts.Where(s => s.UnitId is not null).Select(s => s.UnitId!.Value).Distinct().ToList(),
        Officers = shifts.Where(s => s.Officer is not null).Select(s => s.Officer!).Distinct().ToList(),
        NextOpenShiftStartsAt = shifts.Where(s => s.Status == ShiftStatus.Scheduled)
            .Select(s => (DateTimeOffset?)s.StartsAt).Min(),
    };
}
