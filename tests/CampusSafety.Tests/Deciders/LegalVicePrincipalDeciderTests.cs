using JiaoLianTi.CampusSafety.Bullying;
using JiaoLianTi.CampusSafety.LegalVicePrincipals;
using JiaoLianTi.Platform.Http;
using Xunit;

namespace JiaoLianTi.CampusSafety.Tests.Deciders;

internal static class GivenAppointment
{
    /// <summary>Noon in China on 2026-11-30.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 30, 4, 0, 0, TimeSpan.Zero);
    public static readonly DateOnly Today = new(2026, 11, 30);

    public static LegalVicePrincipalAppointed Appointed(DateOnly? startsOn = null, int years = 3)
    {
        var start = startsOn ?? new DateOnly(2026, 9, 1);
        return new(Guid.NewGuid(), Guid.NewGuid(), "510104", Guid.NewGuid(), "PoliceStation", "王警官", "城关派出所副所长", "officer-wang",
            start, start.AddYears(years).AddDays(-1), "county", Now.AddDays(-90));
    }

    public static LegalVicePrincipal Current() => LegalVicePrincipal.Create(Appointed());
}

public sealed class AppointLegalVicePrincipalTests
{
    private static AppointLegalVicePrincipal Command(bool member = true, bool already = false, string? kind = "Procuratorate", DateOnly? startsOn = null) =>
        new(Guid.NewGuid(), Guid.NewGuid(), "510104", Guid.NewGuid(), kind, member, already, " 李检察官 ", "未检科检察官", "prosecutor-li",
            startsOn ?? new DateOnly(2026, 12, 1), 3, "county", GivenAppointment.Now);

    [Fact]
    public void A_person_of_a_legal_unit_of_the_schools_alliance_is_appointed_for_whole_years()
    {
        var appointed = Assert.IsType<LegalVicePrincipalAppointed>(Assert.Single(LegalVicePrincipalDecider.Decide(Command())));
        Assert.Equal(("李检察官", new DateOnly(2026, 12, 1), new DateOnly(2029, 11, 30), "Procuratorate"),
            (appointed.Name, appointed.StartsOn, appointed.EndsOn, appointed.UnitKind));
    }

    [Fact]
    public void A_unit_that_is_no_police_station_procuratorate_or_court_of_the_alliance_is_refused()
    {
        Assert.Equal("unit-not-legal-member", Assert.Throws<RuleViolation>(() => LegalVicePrincipalDecider.Decide(Command(member: false))).Code);
        Assert.Equal("unit-not-legal-member", Assert.Throws<RuleViolation>(() => LegalVicePrincipalDecider.Decide(Command(kind: null))).Code);
    }

    [Fact]
    public void The_same_person_twice_at_once_or_a_term_starting_more_than_a_year_away_is_refused()
    {
        Assert.Equal("already-appointed", Assert.Throws<RuleViolation>(() => LegalVicePrincipalDecider.Decide(Command(already: true))).Code);
        Assert.Equal("term-start", Assert.Throws<RuleViolation>(() => LegalVicePrincipalDecider.Decide(Command(startsOn: new DateOnly(2028, 1, 1)))).Code);
    }
}

public sealed class ClaimLegalVicePrincipalTests
{
    private static LegalVicePrincipal Unclaimed() => LegalVicePrincipal.Create(GivenAppointment.Appointed() with { Subject = null });

    [Fact]
    public void An_appointment_made_without_an_account_is_claimed_once()
    {
        var unclaimed = Unclaimed();
        var claimed = Assert.IsType<LegalVicePrincipalClaimed>(Assert.Single(LegalVicePrincipalDecider.Decide(
            new ClaimLegalVicePrincipal("officer-zhao", false, GivenAppointment.Now), unclaimed)));
        var after = unclaimed.Apply(claimed);
        Assert.Equal("officer-zhao", after.Subject);
        Assert.Equal("already-claimed", Assert.Throws<RuleViolation>(() =>
            LegalVicePrincipalDecider.Decide(new ClaimLegalVicePrincipal("officer-qian", false, GivenAppointment.Now), after)).Code);
        // One given an account when appointed is claimed already.
        Assert.Equal("already-claimed", Assert.Throws<RuleViolation>(() =>
            LegalVicePrincipalDecider.Decide(new ClaimLegalVicePrincipal("officer-qian", false, GivenAppointment.Now), GivenAppointment.Current())).Code);
    }

    [Fact]
    public void An_ended_appointment_or_a_person_already_current_at_the_school_cannot_claim()
    {
        var unclaimed = Unclaimed();
        Assert.Equal("already-appointed", Assert.Throws<RuleViolation>(() =>
            LegalVicePrincipalDecider.Decide(new ClaimLegalVicePrincipal("officer-zhao", true, GivenAppointment.Now), unclaimed)).Code);
        var ended = unclaimed.Apply(new LegalVicePrincipalEnded(unclaimed.Id, unclaimed.SchoolId, "510104", unclaimed.UnitId,
            AppointmentEndReason.Transferred, GivenAppointment.Today, "county", GivenAppointment.Now));
        Assert.Equal("appointment-ended", Assert.Throws<RuleViolation>(() =>
            LegalVicePrincipalDecider.Decide(new ClaimLegalVicePrincipal("officer-zhao", false, GivenAppointment.Now), ended)).Code);
    }
}

public sealed class RenewLegalVicePrincipalTests
{
    [Fact]
    public void A_current_appointment_is_extended_from_the_end_of_its_term()
    {
        var current = GivenAppointment.Current();
        var renewed = Assert.IsType<LegalVicePrincipalRenewed>(Assert.Single(LegalVicePrincipalDecider.Decide(
            new RenewLegalVicePrincipal(2, "county", GivenAppointment.Now), current)));
        Assert.Equal(new DateOnly(2031, 8, 31), renewed.EndsOn);
        Assert.Equal(1, current.Apply(renewed).Renewals);
    }

    [Fact]
    public void An_ended_or_lapsed_appointment_is_not_renewed()
    {
        var current = GivenAppointment.Current();
        var ended = current.Apply(new LegalVicePrincipalEnded(current.Id, current.SchoolId, "510104", current.UnitId, AppointmentEndReason.Resigned,
            GivenAppointment.Today, "county", GivenAppointment.Now));
        Assert.Equal("appointment-ended", Assert.Throws<RuleViolation>(() =>
            LegalVicePrincipalDecider.Decide(new RenewLegalVicePrincipal(1, "county", GivenAppointment.Now), ended)).Code);
        var lapsed = LegalVicePrincipal.Create(GivenAppointment.Appointed(new DateOnly(2025, 11, 1), 1));
        Assert.Equal("term-lapsed", Assert.Throws<RuleViolation>(() =>
            LegalVicePrincipalDecider.Decide(new RenewLegalVicePrincipal(1, "county", GivenAppointment.Now), lapsed)).Code);
    }
}

public sealed class EndLegalVicePrincipalTests
{
    [Fact]
    public void An_appointment_ends_today_once_with_its_reason()
    {
        var current = GivenAppointment.Current();
        var ended = Assert.IsType<LegalVicePrincipalEnded>(Assert.Single(LegalVicePrincipalDecider.Decide(
            new EndLegalVicePrincipal(AppointmentEndReason.Transferred, "officer", GivenAppointment.Now), current)));
        Assert.Equal((GivenAppointment.Today, AppointmentEndReason.Transferred, current.SchoolId), (ended.EndedOn, ended.Reason, ended.SchoolId));
        var state = current.Apply(ended);
        Assert.False(state.IsCurrentOn(GivenAppointment.Today));
        Assert.Equal("appointment-ended", Assert.Throws<RuleViolation>(() => LegalVicePrincipalDecider.Decide(
            new EndLegalVicePrincipal(AppointmentEndReason.Dismissed, "county", GivenAppointment.Now), state)).Code);
    }
}

public sealed class ExpireLegalVicePrincipalTermTests
{
    [Fact]
    public void A_term_that_ran_out_ends_once_and_a_current_one_is_left_alone()
    {
        var lapsed = LegalVicePrincipal.Create(GivenAppointment.Appointed(new DateOnly(2025, 11, 1), 1));
        var ended = Assert.IsType<LegalVicePrincipalEnded>(Assert.Single(LegalVicePrincipalDecider.Decide(new ExpireLegalVicePrincipalTerm(GivenAppointment.Now), lapsed)));
        Assert.Equal((AppointmentEndReason.TermExpired, new DateOnly(2026, 10, 31)), (ended.Reason, ended.EndedOn));
        Assert.Empty(LegalVicePrincipalDecider.Decide(new ExpireLegalVicePrincipalTerm(GivenAppointment.Now), lapsed.Apply(ended)));
        Assert.Empty(LegalVicePrincipalDecider.Decide(new ExpireLegalVicePrincipalTerm(GivenAppointment.Now), GivenAppointment.Current()));
    }
}

public sealed class RecordLawLessonTests
{
    [Fact]
    public void A_lesson_in_the_term_is_recorded_with_its_school_term()
    {
        var given = Assert.IsType<LawLessonGiven>(Assert.Single(LegalVicePrincipalDecider.Decide(
            new RecordLawLesson(Guid.NewGuid(), new DateOnly(2026, 11, 20), " 预防校园欺凌 ", ["五年级一班", "五年级二班", "五年级一班"], "officer-wang", GivenAppointment.Now),
            GivenAppointment.Current())));
        Assert.Equal(("2026-Autumn", "预防校园欺凌", 2), (given.Term, given.Topic, given.Classes.Count));
    }

    [Fact]
    public void A_lesson_in_the_future_outside_the_term_or_recorded_twice_is_refused()
    {
        var current = GivenAppointment.Current();
        RecordLawLesson On(DateOnly day) => new(Guid.NewGuid(), day, "交通安全", ["一年级一班"], "officer-wang", GivenAppointment.Now);
        Assert.Equal("lesson-in-future", Assert.Throws<RuleViolation>(() => LegalVicePrincipalDecider.Decide(On(new DateOnly(2026, 12, 1)), current)).Code);
        Assert.Equal("lesson-outside-term", Assert.Throws<RuleViolation>(() => LegalVicePrincipalDecider.Decide(On(new DateOnly(2026, 8, 31)), current)).Code);
        var once = current.Apply((LawLessonGiven)LegalVicePrincipalDecider.Decide(On(new DateOnly(2026, 10, 9)), current)[0]);
        Assert.Equal("lesson-recorded", Assert.Throws<RuleViolation>(() => LegalVicePrincipalDecider.Decide(On(new DateOnly(2026, 10, 9)), once)).Code);
        var ended = current.Apply(new LegalVicePrincipalEnded(current.Id, current.SchoolId, "510104", current.UnitId, AppointmentEndReason.Resigned,
            new DateOnly(2026, 10, 31), "county", GivenAppointment.Now));
        Assert.Equal("lesson-outside-term", Assert.Throws<RuleViolation>(() => LegalVicePrincipalDecider.Decide(On(new DateOnly(2026, 11, 2)), ended)).Code);
    }
}

public sealed class CallLegalVicePrincipalTests
{
    private static BullyingCase Case() => Given.State<BullyingCase>(new BullyingCaseReported(Guid.NewGuid(), Guid.NewGuid(), "510104", 5, "sealed", false,
        "teacher", GivenAppointment.Now.AddDays(10), GivenAppointment.Now));

    [Fact]
    public void An_open_case_calls_a_current_legal_vice_principal_of_its_school_once()
    {
        var @case = Case();
        var appointment = Guid.NewGuid();
        var called = Assert.IsType<BullyingLegalVicePrincipalCalled>(Assert.Single(BullyingCaseDecider.Decide(
            new CallLegalVicePrincipal(appointment, "officer-wang", true, "admin", GivenAppointment.Now), @case)));
        Assert.Equal("officer-wang", @case.Apply(called).LegalVicePrincipals.Single().Subject);
        Assert.Empty(BullyingCaseDecider.Decide(new CallLegalVicePrincipal(appointment, "officer-wang", true, "admin", GivenAppointment.Now), @case.Apply(called)));
    }

    [Fact]
    public void An_appointment_not_current_at_the_school_or_a_closed_case_is_refused()
    {
        var @case = Case();
        Assert.Equal("not-current-legal-vice-principal", Assert.Throws<RuleViolation>(() => BullyingCaseDecider.Decide(
            new CallLegalVicePrincipal(Guid.NewGuid(), "x", false, "admin", GivenAppointment.Now), @case)).Code);
        var closed = @case with { Status = CaseStatus.Closed };
        Assert.Equal("case-closed", Assert.Throws<RuleViolation>(() => BullyingCaseDecider.Decide(
            new CallLegalVicePrincipal(Guid.NewGuid(), "x", true, "admin", GivenAppointment.Now), closed)).Code);
    }
}

public sealed class LessonTermTests
{
    [Theory]
    [InlineData(2026, 9, 1, "2026-Autumn")]
    [InlineData(2027, 1, 20, "2026-Autumn")]
    [InlineData(2027, 2, 1, "2027-Spring")]
    public void A_lesson_counts_for_the_term_of_its_date_as_a_drill_does(int y, int m, int d, string term)
    {
        var current = LegalVicePrincipal.Create(GivenAppointment.Appointed(new DateOnly(2026, 9, 1)));
        var on = new DateOnly(y, m, d);
        var given = (LawLessonGiven)LegalVicePrincipalDecider.Decide(new RecordLawLesson(Guid.NewGuid(), on, "宪法", ["六年级一班"], "o", new DateTimeOffset(2027, 6, 1, 0, 0, 0, TimeSpan.Zero)), current)[0];
        Assert.Equal(term, given.Term);
    }
}
