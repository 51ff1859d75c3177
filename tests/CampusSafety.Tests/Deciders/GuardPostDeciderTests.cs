using JiaoLianTi.CampusSafety.GuardPosts;
using JiaoLianTi.Platform.Http;
using Xunit;

namespace JiaoLianTi.CampusSafety.Tests.Deciders;

internal static class Guard
{
    public static readonly DateTimeOffset Now = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);
    public static readonly Guid PostId = Guid.NewGuid();
    public static readonly Guid Unit = Guid.NewGuid();
    public static readonly Guid ShiftId = Guid.NewGuid();

    public static GuardPostSetUp SetUp() => new(PostId, Guid.NewGuid(), "510104", "东门", "admin", Now);

    public static GuardShiftScheduled Shift(Guid? unit = null, string? officer = null, DateTimeOffset? starts = null, Guid? id = null)
    {
        var start = starts ?? Now.AddHours(1);
        return new(PostId, id ?? ShiftId, ShiftKind.Arrival, start, start.AddMinutes(45), unit, officer, "admin", Now);
    }

    public static GuardPost State(params object[] events) => Given.State<GuardPost>(events);
}

public sealed class ScheduleGuardShiftTests
{
    [Fact]
    public void A_unit_is_put_on_a_shift() =>
        Assert.IsType<GuardShiftScheduled>(Assert.Single(GuardPostDecider.Decide(
            new ScheduleGuardShift(Guid.NewGuid(), ShiftKind.Dismissal, Guard.Now.AddHours(8), Guard.Now.AddHours(9), Guard.Unit, null, "a", Guard.Now),
            Guard.State(Guard.SetUp()))));

    [Fact]
    public void Overlapping_shifts_of_one_post_are_refused() =>
        Assert.Equal("shift-overlaps", Assert.Throws<RuleViolation>(() => GuardPostDecider.Decide(
            new ScheduleGuardShift(Guid.NewGuid(), ShiftKind.Arrival, Guard.Now.AddHours(1).AddMinutes(30), Guard.Now.AddHours(2), Guard.Unit, null, "a", Guard.Now),
            Guard.State(Guard.SetUp(), Guard.Shift(Guard.Unit)))).Code);

    [Theory]
    [InlineData(-1, 1, "shift-in-past")]
    [InlineData(2, 1, "shift-times")]
    [InlineData(1, 6, "shift-times")]
    public void Bad_times_are_refused(int startHours, int endHours, string code) =>
        Assert.Equal(code, Assert.Throws<RuleViolation>(() => GuardPostDecider.Decide(
            new ScheduleGuardShift(Guid.NewGuid(), ShiftKind.Arrival, Guard.Now.AddHours(startHours), Guard.Now.AddHours(endHours), Guard.Unit, null, "a", Guard.Now),
            Guard.State(Guard.SetUp()))).Code);

    [Fact]
    public void A_shift_with_nobody_is_refused() =>
        Assert.Throws<RuleViolation>(() => GuardPostDecider.Decide(
            new ScheduleGuardShift(Guid.NewGuid(), ShiftKind.Arrival, Guard.Now.AddHours(1), Guard.Now.AddHours(2), null, " ", "a", Guard.Now),
            Guard.State(Guard.SetUp())));
}

public sealed class CheckInGuardShiftTests
{
    [Fact]
    public void The_named_officer_checks_in_within_the_window() =>
        Assert.IsType<GuardShiftCheckedIn>(Assert.Single(GuardPostDecider.Decide(
            new CheckInGuardShift(Guard.ShiftId, "zhang", Guard.Unit, Guard.Now.AddMinutes(40)),
            Guard.State(Guard.SetUp(), Guard.Shift(Guard.Unit, "zhang")))));

    [Fact]
    public void Another_officers_shift_is_forbidden_even_in_the_same_unit() =>
        Assert.Throws<ForbiddenException>(() => GuardPostDecider.Decide(
            new CheckInGuardShift(Guard.ShiftId, "wang", Guard.Unit, Guard.Now.AddMinutes(40)),
            Guard.State(Guard.SetUp(), Guard.Shift(Guard.Unit, "zhang"))));

    [Fact]
    public void A_units_shift_is_checked_in_by_an_officer_of_that_unit_only()
    {
        var state = Guard.State(Guard.SetUp(), Guard.Shift(Guard.Unit));
        Assert.Single(GuardPostDecider.Decide(new CheckInGuardShift(Guard.ShiftId, "any", Guard.Unit, Guard.Now.AddMinutes(50)), state));
        Assert.Throws<ForbiddenException>(() => GuardPostDecider.Decide(new CheckInGuardShift(Guard.ShiftId, "any", Guid.NewGuid(), Guard.Now.AddMinutes(50)), state));
    }

    [Theory]
    [InlineData(20)]
    [InlineData(106)]
    public void Outside_the_window_is_a_conflict(int minutes) =>
        Assert.Equal("outside-shift", Assert.Throws<RuleViolation>(() => GuardPostDecider.Decide(
            new CheckInGuardShift(Guard.ShiftId, "zhang", Guard.Unit, Guard.Now.AddMinutes(minutes)),
            Guard.State(Guard.SetUp(), Guard.Shift(Guard.Unit, "zhang")))).Code);

    [Fact]
    public void A_missed_shift_is_not_checked_in() =>
        Assert.Equal("shift-not-open", Assert.Throws<RuleViolation>(() => GuardPostDecider.Decide(
            new CheckInGuardShift(Guard.ShiftId, "zhang", Guard.Unit, Guard.Now.AddMinutes(80)),
            Guard.State(Guard.SetUp(), Guard.Shift(Guard.Unit, "zhang"),
                new GuardShiftMarkedMissed(Guard.PostId, Guard.ShiftId, Guid.NewGuid(), "510104", Guard.Unit, Guard.Now.AddHours(1), Guard.Now.AddMinutes(76))))).Code);

    [Fact]
    public void An_unknown_shift_is_not_found() =>
        Assert.Throws<NotFoundException>(() => GuardPostDecider.Decide(
            new CheckInGuardShift(Guid.NewGuid(), "zhang", Guard.Unit, Guard.Now), Guard.State(Guard.SetUp())));
}

public sealed class MarkMissedGuardShiftsTests
{
    [Fact]
    public void Shifts_without_check_in_past_the_grace_are_missed_once()
    {
        var second = Guid.NewGuid();
        var state = Guard.State(Guard.SetUp(), Guard.Shift(Guard.Unit), Guard.Shift(Guard.Unit, starts: Guard.Now.AddHours(3), id: second));

        Assert.Empty(GuardPostDecider.Decide(new MarkMissedGuardShifts(Guard.Now.AddMinutes(74)), state));
        var missed = Assert.IsType<GuardShiftMarkedMissed>(Assert.Single(GuardPostDecider.Decide(new MarkMissedGuardShifts(Guard.Now.AddMinutes(76)), state)));
        Assert.Equal(Guard.ShiftId, missed.ShiftId);

        var after = state.Apply(missed);
        Assert.Empty(GuardPostDecider.Decide(new MarkMissedGuardShifts(Guard.Now.AddMinutes(90)), after));
        Assert.Equal(Guard.Now.AddHours(3), after.NextOpenShiftStartsAt);
    }

    [Fact]
    public void A_checked_in_shift_is_never_missed() =>
        Assert.Empty(GuardPostDecider.Decide(new MarkMissedGuardShifts(Guard.Now.AddDays(1)),
            Guard.State(Guard.SetUp(), Guard.Shift(Guard.Unit), new GuardShiftCheckedIn(Guard.PostId, Guard.ShiftId, "o", Guard.Now.AddMinutes(55)))));
}
