using JiaoLianTi.Activities.Activities;
using JiaoLianTi.Platform.Http;
using Xunit;
using static JiaoLianTi.Activities.Tests.Deciders.Given;
using JiaoLianTi.Activities.Registrations;

namespace JiaoLianTi.Activities.Tests.Deciders;

public sealed class RegisterTests
{
    private static Register When(Guid student, int age = 12, bool consent = true) => new(Id, student, Student(age, consent), "parent", Now);

    [Fact]
    public void A_seat_while_seats_remain()
    {
        var student = Guid.NewGuid();
        var e = Assert.IsType<RegistrationConfirmed>(Assert.Single(RegistrationDecider.Decide(When(student), Open(seats: 1))));
        Assert.Equal((student, 1L), (e.StudentId, e.Sequence));
    }

    [Fact]
    public void The_waitlist_when_none_remain()
    {
        var state = Open(1, Confirmed(Guid.NewGuid(), 1));
        var e = Assert.IsType<RegistrationWaitlisted>(Assert.Single(RegistrationDecider.Decide(When(Guid.NewGuid()), state)));
        Assert.Equal(2L, e.Sequence);
    }

    [Fact]
    public void Registering_again_decides_nothing_new()
    {
        var student = Guid.NewGuid();
        Assert.Empty(RegistrationDecider.Decide(When(student), Open(1, Confirmed(student, 1))));
        Assert.Empty(RegistrationDecider.Decide(When(student), Open(1, Confirmed(Guid.NewGuid(), 1), Waitlisted(student, 2))));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(19)]
    public void Outside_the_age_range_is_refused(int age) =>
        Assert.Equal("outside-age-range", Assert.Throws<RuleViolation>(() => RegistrationDecider.Decide(When(Guid.NewGuid(), age), Open())).Code);

    [Fact]
    public void Under_14_needs_consent_and_14_does_not()
    {
        Assert.Equal("guardian-consent-required",
            Assert.Throws<RuleViolation>(() => RegistrationDecider.Decide(When(Guid.NewGuid(), 13, consent: false), Open())).Code);
        Assert.Single(RegistrationDecider.Decide(When(Guid.NewGuid(), 14, consent: false), Open()));
    }

    [Fact]
    public void A_draft_closed_or_cancelled_activity_takes_no_registrations()
    {
        foreach (var state in new[]
        {
            State(Drafted()),
            Open(2, new ActivityClosed(Id, "admin", Now)),
            Open(2, new ActivityCancelled(Id, "雨", "admin", Now)),
        })
        {
            Assert.Equal("registration-not-open", Assert.Throws<RuleViolation>(() => RegistrationDecider.Decide(When(Guid.NewGuid()), state)).Code);
        }
    }
}

public sealed class CancelRegistrationTests
{
    [Fact]
    public void A_freed_seat_goes_to_the_first_waitlisted()
    {
        var (a, b, c) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var state = Open(1, Confirmed(a, 1), Waitlisted(b, 2), Waitlisted(c, 3));
        var events = RegistrationDecider.Decide(new CancelRegistration(Id, a, 1, "parent", Now), state);
        Assert.IsType<RegistrationCancelled>(events[0]);
        Assert.Equal(b, Assert.IsType<WaitlistPromoted>(events[1]).StudentId);
        var after = events.Aggregate(state, (s, e) => s.Then(e));
        Assert.Equal([c], after.Waitlist);
        Assert.Equal(1, after.ConfirmedCount);
    }

    [Fact]
    public void A_waitlisted_cancellation_promotes_nobody_and_a_stale_version_is_refused()
    {
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());
        var state = Open(1, Confirmed(a, 1), Waitlisted(b, 2));
        Assert.Single(RegistrationDecider.Decide(new CancelRegistration(Id, b, 1, "parent", Now), state));
        Assert.Throws<StaleVersion>(() => RegistrationDecider.Decide(new CancelRegistration(Id, b, 2, "parent", Now), state));
    }
}

public sealed class CheckInTests
{
    [Fact]
    public void Only_on_the_day_and_once()
    {
        var a = Guid.NewGuid();
        var state = Open(1, Confirmed(a, 1));
        Assert.Equal("not-the-day", Assert.Throws<RuleViolation>(() => RegistrationDecider.Decide(new CheckIn(Id, a, 1, "t", Now), state)).Code);
        var day = Now.AddDays(3);
        var e = Assert.Single(RegistrationDecider.Decide(new CheckIn(Id, a, 1, "t", day), state));
        Assert.Equal("already-checked-in", Assert.Throws<RuleViolation>(() => RegistrationDecider.Decide(new CheckIn(Id, a, 2, "t", day), state.Then(e))).Code);
    }
}

public sealed class RecordAttendanceTests
{
    [Fact]
    public void After_the_start_for_a_confirmed_seat()
    {
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());
        var state = Open(1, Confirmed(a, 1), Waitlisted(b, 2));
        Assert.Equal("not-started", Assert.Throws<RuleViolation>(() => RegistrationDecider.Decide(new RecordAttendance(Id, a, true, 1, "t", Now), state)).Code);
        Assert.Single(RegistrationDecider.Decide(new RecordAttendance(Id, a, true, 1, "t", Now.AddDays(4)), state));
        Assert.Equal("not-confirmed", Assert.Throws<RuleViolation>(() => RegistrationDecider.Decide(new RecordAttendance(Id, b, true, 1, "t", Now.AddDays(4)), state)).Code);
    }
}
