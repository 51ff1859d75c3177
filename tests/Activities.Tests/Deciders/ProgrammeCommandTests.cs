using JiaoLianTi.Activities.Dimensions;
using JiaoLianTi.Activities.Programmes;
using JiaoLianTi.Platform.Http;
using Xunit;
using static JiaoLianTi.Activities.Tests.Deciders.ProgrammeGiven;

namespace JiaoLianTi.Activities.Tests.Deciders;

public sealed class CreateProgrammeTests
{
    private static CreateProgramme When(
        string term = Term, int places = 30, ProviderTerms? provider = null, IReadOnlyList<DayOfWeek>? weekdays = null,
        IReadOnlyList<Dimension>? dimensions = null, TimeOnly? end = null) =>
        new(Id, Guid.NewGuid(), "510104", term, " 篮球 ", weekdays ?? [DayOfWeek.Wednesday, DayOfWeek.Monday, DayOfWeek.Monday],
            new TimeOnly(15, 30), end ?? new TimeOnly(17, 0), places, provider ?? new ProviderTerms(Venue, 40),
            dimensions ?? [Dimension.Physical, Dimension.Moral, Dimension.Physical], null, "admin", Now);

    [Fact]
    public void Creates_a_draft_with_its_week_dimensions_and_the_providers_resource_as_its_base()
    {
        var e = Assert.IsType<ProgrammeCreated>(Assert.Single(ProgrammeDecider.Decide(When(), null)));
        Assert.Equal("篮球", e.Title);
        Assert.Equal([DayOfWeek.Monday, DayOfWeek.Wednesday], e.Weekdays);
        Assert.Equal([Dimension.Moral, Dimension.Physical], e.Dimensions);
        Assert.Equal(e.Provider.ResourceId, e.BaseId);
        Assert.Equal(ProgrammeStatus.Draft, Programme.Create(e).Status);
        Assert.Equal(1.5m, Programme.Create(e).SessionHours);
    }

    [Fact]
    public void The_schools_own_staff_need_no_resource()
    {
        var staff = new ProviderTerms(new ProgrammeProvider(ProviderKind.SchoolStaff, null, null, null, "本校美术组"), Member: false);
        var e = Assert.IsType<ProgrammeCreated>(Assert.Single(ProgrammeDecider.Decide(When(provider: staff), null)));
        Assert.Null(e.BaseId);
    }

    [Fact]
    public void Refuses_an_ended_term_weekends_a_reversed_session_no_dimension_and_an_unusable_provider()
    {
        Code("term-ended", When(term: "2025-spring"));
        Code("weekdays-only", When(weekdays: [DayOfWeek.Saturday]));
        Code("schedule-invalid", When(end: new TimeOnly(15, 0)));
        Code("dimensions-required", When(dimensions: []));
        Code("places-over-capacity", When(places: 41));
        Code("resource-withdrawn", When(provider: new ProviderTerms(Venue, 40, Withdrawn: true)));
        Code("provider-not-member", When(provider: new ProviderTerms(Venue, 40, Member: false)));
        Assert.Equal("programme-exists",
            Assert.Throws<RuleViolation>(() => ProgrammeDecider.Decide(When(), State(Created()))).Code);
    }

    private static void Code(string code, CreateProgramme c) =>
        Assert.Equal(code, Assert.Throws<RuleViolation>(() => ProgrammeDecider.Decide(c, null)).Code);
}

public sealed class OpenCloseCancelProgrammeTests
{
    [Fact]
    public void A_draft_opens_with_its_facts_then_closes_then_cancels_with_a_reason()
    {
        var draft = State(Created());
        var opened = Assert.IsType<ProgrammeOpened>(Assert.Single(ProgrammeDecider.Decide(new OpenProgramme(Id, 1, "admin", Now), draft)));
        Assert.Equal([Dimension.Physical], opened.Facts.Dimensions);
        var open = Open();
        Assert.IsType<ProgrammeClosed>(Assert.Single(ProgrammeDecider.Decide(new CloseProgramme(Id, 2, "admin", Now), open)));
        var cancelled = Assert.IsType<ProgrammeCancelled>(Assert.Single(ProgrammeDecider.Decide(new CancelProgramme(Id, 2, " 场馆维修 ", "admin", Now), open)));
        Assert.Equal("场馆维修", cancelled.Reason);
    }

    [Fact]
    public void A_stale_revision_is_refused_and_so_is_a_step_out_of_order()
    {
        Assert.Throws<StaleVersion>(() => ProgrammeDecider.Decide(new OpenProgramme(Id, 2, "admin", Now), State(Created())));
        Assert.Equal("programme-status", Assert.Throws<RuleViolation>(() => ProgrammeDecider.Decide(new OpenProgramme(Id, 2, "admin", Now), Open())).Code);
        Assert.Equal("programme-status", Assert.Throws<RuleViolation>(() => ProgrammeDecider.Decide(new CloseProgramme(Id, 1, "admin", Now), State(Created()))).Code);
        Assert.Equal("reason-required", Assert.Throws<RuleViolation>(() => ProgrammeDecider.Decide(new CancelProgramme(Id, 2, " ", "admin", Now), Open())).Code);
    }

    [Fact]
    public void A_flagged_draft_does_not_open_until_the_school_chooses_another_provider()
    {
        var flagged = State(Created(), new ProgrammeProviderLeft(Id, Guid.NewGuid(), Unit, Alliance, Now));
        Assert.Equal("provider-not-member", Assert.Throws<RuleViolation>(() => ProgrammeDecider.Decide(new OpenProgramme(Id, 2, "admin", Now), flagged)).Code);
    }
}

public sealed class FlagProviderLeftTests
{
    [Fact]
    public void The_provider_leaving_its_alliance_flags_the_programme_once()
    {
        var e = Assert.IsType<ProgrammeProviderLeft>(Assert.Single(ProgrammeDecider.Decide(new FlagProviderLeft(Id, Unit, Alliance, Now), Open())));
        Assert.Equal((Unit, Alliance), (e.UnitId, e.AllianceId));
        var flagged = Open(2, e);
        Assert.NotNull(flagged.ProviderLeftAt);
        Assert.Empty(ProgrammeDecider.Decide(new FlagProviderLeft(Id, Unit, Alliance, Now), flagged));
    }

    [Fact]
    public void Another_unit_another_alliance_the_schools_staff_or_a_cancelled_programme_are_left_alone()
    {
        Assert.Empty(ProgrammeDecider.Decide(new FlagProviderLeft(Id, Guid.NewGuid(), Alliance, Now), Open()));
        Assert.Empty(ProgrammeDecider.Decide(new FlagProviderLeft(Id, Unit, Guid.NewGuid(), Now), Open()));
        Assert.Empty(ProgrammeDecider.Decide(new FlagProviderLeft(Id, Unit, Alliance, Now),
            State(Created(provider: new ProgrammeProvider(ProviderKind.SchoolStaff, null, null, null, "本校")))));
        Assert.Empty(ProgrammeDecider.Decide(new FlagProviderLeft(Id, Unit, Alliance, Now), Open(2, new ProgrammeCancelled(Id, "停", "admin", Now))));
    }
}

public sealed class ChangeProviderTests
{
    [Fact]
    public void The_schools_own_staff_take_over_and_the_flag_is_lifted()
    {
        var flagged = Open(2, new ProgrammeProviderLeft(Id, Guid.NewGuid(), Unit, Alliance, Now));
        var staff = new ProgrammeProvider(ProviderKind.SchoolStaff, null, null, null, "本校体育组");
        var e = Assert.IsType<ProgrammeProviderChanged>(Assert.Single(ProgrammeDecider.Decide(
            new ChangeProvider(Id, 3, new ProviderTerms(staff), "admin", Now), flagged)));
        var after = JiaoLianTi.Platform.EventStore.Evolution<Programme>.Apply(flagged, e);
        Assert.Null(after.ProviderLeftAt);
        Assert.Equal(staff, after.Provider);
    }

    [Fact]
    public void A_new_provider_must_hold_the_enrolled_and_be_a_member()
    {
        var state = Open(2, Enrolled(Guid.NewGuid(), 1), Enrolled(Guid.NewGuid(), 2));
        var other = Venue with { UnitId = Guid.NewGuid() };
        Assert.Equal("places-over-capacity", Assert.Throws<RuleViolation>(() =>
            ProgrammeDecider.Decide(new ChangeProvider(Id, 2, new ProviderTerms(other, 1), "admin", Now), state)).Code);
        Assert.Equal("provider-not-member", Assert.Throws<RuleViolation>(() =>
            ProgrammeDecider.Decide(new ChangeProvider(Id, 2, new ProviderTerms(other, 10, Member: false), "admin", Now), state)).Code);
        Assert.Throws<StaleVersion>(() => ProgrammeDecider.Decide(new ChangeProvider(Id, 1, new ProviderTerms(other, 10), "admin", Now), state));
    }
}

public sealed class EnrolTests
{
    private static Enrol When(Guid student) => new(Id, student, Student, "parent", Now);

    [Fact]
    public void A_place_while_places_remain_then_the_waitlist_in_order()
    {
        var first = Assert.IsType<StudentEnrolled>(Assert.Single(ProgrammeDecider.Decide(When(Guid.NewGuid()), Open(1))));
        Assert.Equal(1L, first.Sequence);
        var waiting = Assert.IsType<StudentWaitlisted>(Assert.Single(ProgrammeDecider.Decide(When(Guid.NewGuid()), Open(1, first))));
        Assert.Equal(2L, waiting.Sequence);
    }

    [Fact]
    public void Enrolling_again_decides_nothing_new()
    {
        var student = Guid.NewGuid();
        Assert.Empty(ProgrammeDecider.Decide(When(student), Open(1, Enrolled(student, 1))));
        Assert.Empty(ProgrammeDecider.Decide(When(student), Open(1, Enrolled(Guid.NewGuid(), 1), Waitlisted(student, 2))));
    }

    [Fact]
    public void A_draft_closed_or_cancelled_programme_takes_no_enrolments()
    {
        foreach (var state in new[] { State(Created()), Open(2, new ProgrammeClosed(Id, "admin", Now)), Open(2, new ProgrammeCancelled(Id, "停", "admin", Now)) })
        {
            Assert.Equal("enrolment-not-open", Assert.Throws<RuleViolation>(() => ProgrammeDecider.Decide(When(Guid.NewGuid()), state)).Code);
        }
    }

    [Fact]
    public void However_many_enrol_no_more_than_the_places_hold_one()
    {
        var state = Open(3);
        for (var i = 0; i < 20; i++)
        {
            foreach (var e in ProgrammeDecider.Decide(When(Guid.NewGuid()), state))
            {
                state = JiaoLianTi.Platform.EventStore.Evolution<Programme>.Apply(state, e);
            }
        }
        Assert.Equal(3, state.EnrolledCount);
        Assert.Equal(17, state.Waitlist.Count);
    }
}

public sealed class WithdrawEnrolmentTests
{
    [Fact]
    public void A_freed_place_goes_to_the_first_waiting()
    {
        var (a, b, c) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var state = Open(1, Enrolled(a, 1), Waitlisted(b, 2), Waitlisted(c, 3));
        var events = ProgrammeDecider.Decide(new WithdrawEnrolment(Id, a, 1, "parent", Now), state);
        Assert.Equal(EnrolmentStatus.Enrolled, Assert.IsType<EnrolmentWithdrawn>(events[0]).Was);
        Assert.Equal(b, Assert.IsType<EnrolmentPromoted>(events[1]).StudentId);
    }

    [Fact]
    public void A_waiting_student_leaving_frees_no_place_and_a_stale_or_repeated_withdrawal_is_refused()
    {
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());
        var state = Open(1, Enrolled(a, 1), Waitlisted(b, 2));
        Assert.IsType<EnrolmentWithdrawn>(Assert.Single(ProgrammeDecider.Decide(new WithdrawEnrolment(Id, b, 1, "parent", Now), state)));
        Assert.Throws<StaleVersion>(() => ProgrammeDecider.Decide(new WithdrawEnrolment(Id, a, 2, "parent", Now), state));
        var gone = Open(1, Enrolled(a, 1), new EnrolmentWithdrawn(Id, a, EnrolmentStatus.Enrolled, "parent", Now));
        Assert.Equal("enrolment-withdrawn", Assert.Throws<RuleViolation>(() => ProgrammeDecider.Decide(new WithdrawEnrolment(Id, a, 2, "parent", Now), gone)).Code);
        Assert.Throws<NotFoundException>(() => ProgrammeDecider.Decide(new WithdrawEnrolment(Id, Guid.NewGuid(), 1, "parent", Now), state));
    }
}

public sealed class RecordSessionAttendanceTests
{
    private static readonly DateOnly Monday = new(2026, 11, 23);

    [Fact]
    public void The_first_record_of_a_session_counts_for_the_provider_and_a_correction_needs_its_version()
    {
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());
        var state = Open(2, Enrolled(a, 1), Enrolled(b, 2));
        var first = Assert.IsType<SessionAttendanceRecorded>(Assert.Single(ProgrammeDecider.Decide(
            new RecordSessionAttendance(Id, Monday, [a], null, "teacher", Now), state)));
        Assert.True(first.First);
        Assert.Equal(1.5m, first.Held.Hours);
        Assert.Equal(Unit, first.Held.Provider.UnitId);
        state = Open(2, Enrolled(a, 1), Enrolled(b, 2), first);
        Assert.Throws<PreconditionRequired>(() => ProgrammeDecider.Decide(new RecordSessionAttendance(Id, Monday, [a, b], null, "teacher", Now), state));
        Assert.Throws<StaleVersion>(() => ProgrammeDecider.Decide(new RecordSessionAttendance(Id, Monday, [a, b], 2, "teacher", Now), state));
        var again = Assert.IsType<SessionAttendanceRecorded>(Assert.Single(ProgrammeDecider.Decide(
            new RecordSessionAttendance(Id, Monday, [a, b], 1, "teacher", Now), state)));
        Assert.False(again.First);
        Assert.Equal([a], again.WasPresent);
        Assert.Empty(ProgrammeDecider.Decide(new RecordSessionAttendance(Id, Monday, [a], 1, "teacher", Now), state));
    }

    [Fact]
    public void Only_on_its_weekdays_in_its_term_not_ahead_and_only_for_those_holding_a_place()
    {
        var (a, waiting) = (Guid.NewGuid(), Guid.NewGuid());
        var state = Open(1, Enrolled(a, 1), Waitlisted(waiting, 2));
        Code("not-a-session", new RecordSessionAttendance(Id, Monday.AddDays(1), [a], null, "t", Now), state);
        Code("not-a-session", new RecordSessionAttendance(Id, new DateOnly(2026, 8, 31), [a], null, "t", Now), state);
        Code("date-in-future", new RecordSessionAttendance(Id, new DateOnly(2026, 11, 30), [a], null, "t", Now), state);
        Code("not-enrolled", new RecordSessionAttendance(Id, Monday, [a, waiting], null, "t", Now), state);
        Code("programme-status", new RecordSessionAttendance(Id, Monday, [], null, "t", Now), State(Created()));
    }

    private static void Code(string code, RecordSessionAttendance c, Programme state) =>
        Assert.Equal(code, Assert.Throws<RuleViolation>(() => ProgrammeDecider.Decide(c, state)).Code);
}

public sealed class DeclareStudentsTests
{
    private static DeclareStudents When(int students, string term = Term) => new(Guid.NewGuid(), "510104", term, students, "admin", Now);

    [Fact]
    public void A_school_declares_and_corrects_its_number_the_same_number_changes_nothing()
    {
        var c = When(1200);
        var e = Assert.IsType<StudentsDeclared>(Assert.Single(DeclaredStudentsDecider.Decide(c, null)));
        var state = DeclaredStudents.Create(e);
        Assert.Empty(DeclaredStudentsDecider.Decide(c, state));
        Assert.Equal(1250, Assert.IsType<StudentsDeclared>(Assert.Single(DeclaredStudentsDecider.Decide(c with { Students = 1250 }, state))).Students);
    }

    [Fact]
    public void Not_for_an_ended_term_nor_out_of_range()
    {
        Assert.Equal("term-ended", Assert.Throws<RuleViolation>(() => DeclaredStudentsDecider.Decide(When(100, "2026-spring"), null)).Code);
        Assert.Equal("students-out-of-range", Assert.Throws<RuleViolation>(() => DeclaredStudentsDecider.Decide(When(0), null)).Code);
    }
}

public sealed class TermsTests
{
    [Theory]
    [InlineData("2026-autumn", "2026-09-01", "2027-01-31")]
    [InlineData("2027-spring", "2027-02-01", "2027-07-31")]
    public void A_term_runs_from_its_first_to_its_last_day(string term, string from, string to)
    {
        Assert.True(Terms.TryParse(term, out var f, out var t));
        Assert.Equal((DateOnly.Parse(from), DateOnly.Parse(to)), (f, t));
    }

    [Theory]
    [InlineData("2026-summer")]
    [InlineData("26-autumn")]
    [InlineData("2026")]
    [InlineData(null)]
    public void Anything_else_is_no_term(string? text) => Assert.False(Terms.TryParse(text, out _, out _));

    [Fact]
    public void A_day_falls_in_its_term_and_august_leads_into_autumn()
    {
        Assert.Equal("2026-autumn", Terms.Of(new DateOnly(2027, 1, 15)));
        Assert.Equal("2027-spring", Terms.Of(new DateOnly(2027, 3, 1)));
        Assert.Equal("2027-autumn", Terms.Of(new DateOnly(2027, 8, 20)));
    }
}
