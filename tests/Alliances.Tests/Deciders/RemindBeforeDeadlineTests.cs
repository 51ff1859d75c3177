using JiaoLianTi.Alliances.Responsibilities;
using Xunit;
using static JiaoLianTi.Alliances.Tests.Deciders.Given;

namespace JiaoLianTi.Alliances.Tests.Deciders;

/// <summary>A unit is reminded once, from N days before a responsibility's deadline until the deadline itself.</summary>
public sealed class RemindBeforeDeadlineTests
{
    [Fact]
    public void Reminded_once_inside_the_window_and_never_outside_it()
    {
        var duty = Duties.Assigned(Duties.Today.AddDays(5));
        var deadline = duty.Deadline;
        Assert.Empty(ResponsibilityDecider.Decide(new RemindBeforeDeadline(duty.Id, 3, deadline.AddDays(-3).AddMinutes(-1)), duty));
        var reminded = Assert.IsType<ResponsibilityReminded>(Assert.Single(
            ResponsibilityDecider.Decide(new RemindBeforeDeadline(duty.Id, 3, deadline.AddDays(-3)), duty)));
        Assert.Equal((duty.UnitId, deadline, 3), (reminded.UnitId, reminded.Deadline, reminded.DaysBefore));
        var after = duty.Apply(reminded);
        Assert.Equal(reminded.At, after.RemindedAt);
        Assert.Empty(ResponsibilityDecider.Decide(new RemindBeforeDeadline(duty.Id, 3, deadline.AddHours(-1)), after));
        Assert.Empty(ResponsibilityDecider.Decide(new RemindBeforeDeadline(duty.Id, 3, deadline), duty));
    }

    [Fact]
    public void A_done_duty_is_not_reminded()
    {
        var duty = Duties.Assigned(Duties.Today.AddDays(1));
        var done = duty.Apply(new ResponsibilityDone(duty.Id, "", "o", Now));
        Assert.Empty(ResponsibilityDecider.Decide(new RemindBeforeDeadline(duty.Id, 7, Now), done));
        Assert.Single(ResponsibilityDecider.Decide(new RemindBeforeDeadline(duty.Id, 7, Now), duty));
    }
}
