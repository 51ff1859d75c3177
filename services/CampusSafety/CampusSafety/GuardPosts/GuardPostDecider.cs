using JiaoLianTi.Platform.Http;

namespace JiaoLianTi.CampusSafety.GuardPosts;

public record SetUpGuardPost(Guid PostId, Guid SchoolId, string CountyCode, string Gate, string By, DateTimeOffset Now);
public record ScheduleGuardShift(
    Guid ShiftId, ShiftKind Kind, DateTimeOffset StartsAt, DateTimeOffset EndsAt, Guid? UnitId, string? Officer,
    string By, DateTimeOffset Now);
public record CheckInGuardShift(Guid ShiftId, string Officer, Guid? OfficerUnitId, DateTimeOffset Now);
public record MarkMissedGuardShifts(DateTimeOffset Now);

/// <summary>The guard post's rules, pure.</summary>
public static class GuardPostDecider
{
    /// <summary>An officer may check in from this long before the shift starts.</summary>
    public static readonly TimeSpan EarlyCheckIn = TimeSpan.FromMinutes(30);
    /// <summary>No check-in this long after the start: the shift is missed (缺岗) and the alert goes out.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan LongestShift = TimeSpan.FromHours(4);

    public static IReadOnlyList<object> Decide(SetUpGuardPost c) =>
        [new GuardPostSetUp(c.PostId, c.SchoolId, c.CountyCode, c.Gate.Trim(), c.By, c.Now)];

    public static IReadOnlyList<object> Decide(ScheduleGuardShift c, GuardPost post)
    {
        if (c.UnitId is null && string.IsNullOrWhiteSpace(c.Officer))
        {
            throw new RuleViolation("shift-unstaffed", "须指定单位或民警 / A shift needs a unit or an officer.");
        }
        if (c.EndsAt <= c.StartsAt || c.EndsAt - c.StartsAt > LongestShift)
        {
            throw new RuleViolation("shift-times", "结束须晚于开始，且不超过 4 小时 / A shift ends after it starts, within 4 hours.");
        }
        if (c.StartsAt < c.Now)
        {
            throw new RuleViolation("shift-in-past", "不能排已开始的班 / A shift cannot be scheduled in the past.");
        }
        if (post.Shifts.Any(s => s.StartsAt < c.EndsAt && c.StartsAt < s.EndsAt))
        {
            throw new RuleViolation("shift-overlaps", "与已有班次重叠 / The shift overlaps another shift of this post.");
        }
        return [new GuardShiftScheduled(post.Id, c.ShiftId, c.Kind, c.StartsAt, c.EndsAt, c.UnitId, c.Officer?.Trim(), c.By, c.Now)];
    }

    public static IReadOnlyList<object> Decide(CheckInGuardShift c, GuardPost post)
    {
        var shift = post.Shifts.FirstOrDefault(s => s.Id == c.ShiftId)
            ?? throw new NotFoundException($"未找到班次 / Shift {c.ShiftId} was not found.");
        var own = shift.Officer is not null ? shift.Officer == c.Officer : shift.UnitId == c.OfficerUnitId;
        if (!own)
        {
            throw new ForbiddenException("这不是你的班次 / This is another officer's shift.");
        }
        if (shift.Status != ShiftStatus.Scheduled)
        {
            throw new RuleViolation("shift-not-open", $"班次状态为 {shift.Status} / The shift is {shift.Status}.");
        }
        if (c.Now < shift.StartsAt - EarlyCheckIn || c.Now > shift.EndsAt)
        {
            throw new RuleViolation("outside-shift", "不在班次签到时间内 / Check-in is open from 30 minutes before the shift until its end.");
        }
        return [new GuardShiftCheckedIn(post.Id, shift.Id, c.Officer, c.Now)];
    }

    /// <summary>Idempotent: each shift is marked missed once.</summary>
    public static IReadOnlyList<object> Decide(MarkMissedGuardShifts c, GuardPost post) =>
        post.Shifts.Where(s => s.Status == ShiftStatus.Scheduled && s.StartsAt + Grace <= c.Now)
            .Select(s => (object)new GuardShiftMarkedMissed(post.Id, s.Id, post.SchoolId, post.CountyCode, s.UnitId, s.StartsAt, c.Now))
            .ToList();
}
