using JiaoLianTi.Activities.PhysicalActivity;
using JiaoLianTi.Activities.VolunteerHours;
using JiaoLianTi.Platform.Http;
using Xunit;
using static JiaoLianTi.Activities.Tests.Deciders.Given;

namespace JiaoLianTi.Activities.Tests.Deciders;

public sealed class ApproveVolunteerHoursTests
{
    [Fact]
    public void Approved_once_and_refused_twice()
    {
        var student = Guid.NewGuid();
        var recorded = (VolunteerHoursRecorded)VolunteerHoursDecider.Decide(
            new RecordVolunteerHours(Id, student, null, "一班", "510104", 2m, true, true, true, "t", Now), null)[0];
        var state = VolunteerHoursRecord.Create(recorded);
        var approved = Assert.IsType<VolunteerHoursApproved>(Assert.Single(VolunteerHoursDecider.Decide(new ApproveVolunteerHours(Id, student, "t", Now), state)));
        Assert.Equal(2m, approved.Hours);
        Assert.Equal("already-approved", Assert.Throws<RuleViolation>(() => VolunteerHoursDecider.Decide(new ApproveVolunteerHours(Id, student, "t", Now), state.Apply(approved))).Code);
    }
}

public sealed class RecordVolunteerHoursTests
{
    [Theory]
    [InlineData(false, true, true, "not-volunteer-service")]
    [InlineData(true, false, true, "not-started")]
    [InlineData(true, true, false, "not-confirmed")]
    public void Refused_unless_served(bool volunteer, bool started, bool seat, string code) =>
        Assert.Equal(code, Assert.Throws<RuleViolation>(() => VolunteerHoursDecider.Decide(
            new RecordVolunteerHours(Id, Guid.NewGuid(), null, null, "510104", 2m, volunteer, started, seat, "t", Now), null)).Code);
}

public sealed class LogPhysicalActivityTests
{
    [Fact]
    public void Today_is_logged_the_future_is_not_and_the_same_minutes_change_nothing()
    {
        var today = DateOnly.FromDateTime(Now.ToOffset(TimeSpan.FromHours(8)).DateTime);
        var command = new LogPhysicalActivity(Guid.NewGuid(), "510104", "一班", today, 130, "t", Now);
        var e = Assert.IsType<PhysicalActivityLogged>(Assert.Single(PhysicalActivityDecider.Decide(command, null)));
        Assert.True(ClassDay.Create(e).ReachesTarget);
        Assert.Empty(PhysicalActivityDecider.Decide(command, ClassDay.Create(e)));
        Assert.Equal("date-in-future", Assert.Throws<RuleViolation>(() => PhysicalActivityDecider.Decide(command with { Date = today.AddDays(1) }, null)).Code);
    }
}
