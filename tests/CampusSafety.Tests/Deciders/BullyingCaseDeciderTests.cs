using JiaoLianTi.CampusSafety;
using JiaoLianTi.CampusSafety.Bullying;
using JiaoLianTi.Platform.Http;
using Xunit;

namespace JiaoLianTi.CampusSafety.Tests.Deciders;

internal static class Case
{
    public static readonly DateTimeOffset Now = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);
    public static readonly Guid CaseId = Guid.NewGuid();

    public static BullyingCaseReported Reported() => new(CaseId, Guid.NewGuid(), "510104", 5, "推搡", false, "t", Now.AddDays(10), Now);
    public static BullyingCaseDetermined Determined(bool isBullying = true) => new(CaseId, isBullying, "查实", "a", Now.AddDays(3));
    public static BullyingCase State(params object[] events) => Given.State<BullyingCase>(events);
}

public sealed class ReportBullyingCaseTests
{
    [Fact]
    public void A_report_opens_the_case_with_its_parties_and_refers_each_target()
    {
        var (a, b, c) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var events = BullyingCaseDecider.Decide(new ReportBullyingCase(Case.CaseId, Guid.NewGuid(), "510104", 3, "x", false, "t",
            [new Party(a, PartyRole.Target), new Party(b, PartyRole.Initiator), new Party(c, PartyRole.Witness)], Case.Now));

        Assert.Equal(Case.Now.AddDays(10), Assert.IsType<BullyingCaseReported>(events[0]).InvestigationDueAt);
        Assert.Equal(3, events.OfType<BullyingPartyAdded>().Count());
        Assert.Equal(a, Assert.Single(events.OfType<BullyingTargetReferred>()).StudentId);
    }

    [Fact]
    public void Anonymous_keeps_no_reporter() =>
        Assert.Null(Assert.IsType<BullyingCaseReported>(BullyingCaseDecider.Decide(
            new ReportBullyingCase(Case.CaseId, Guid.NewGuid(), "510104", 3, "x", true, "parent-1", [], Case.Now))[0]).ReportedBy);

    [Fact]
    public void A_student_is_a_party_once()
    {
        var a = Guid.NewGuid();
        Assert.Throws<RuleViolation>(() => BullyingCaseDecider.Decide(new ReportBullyingCase(Case.CaseId, Guid.NewGuid(), "510104", 3, "x", false, "t",
            [new Party(a, PartyRole.Target), new Party(a, PartyRole.Witness)], Case.Now)));
    }
}

public sealed class AddBullyingPartyTests
{
    [Fact]
    public void A_target_added_later_is_referred_too()
    {
        var events = BullyingCaseDecider.Decide(new AddBullyingParty(Guid.NewGuid(), PartyRole.Target, Case.Now), Case.State(Case.Reported()));
        Assert.IsType<BullyingPartyAdded>(events[0]);
        Assert.IsType<BullyingTargetReferred>(events[1]);
    }

    [Fact]
    public void No_party_after_closing() =>
        Assert.Equal("case-closed", Assert.Throws<RuleViolation>(() => BullyingCaseDecider.Decide(new AddBullyingParty(Guid.NewGuid(), PartyRole.Witness, Case.Now),
            Case.State(Case.Reported(), Case.Determined(false), new BullyingCaseClosed(Case.CaseId, "a", Case.Now)))).Code);
}

public sealed class AssignCounsellorTests
{
    [Fact]
    public void The_counsellor_is_assigned_and_the_same_again_changes_nothing()
    {
        var assigned = Assert.IsType<BullyingCounsellorAssigned>(Assert.Single(BullyingCaseDecider.Decide(new AssignCounsellor("liu", "a", Case.Now), Case.State(Case.Reported()))));
        Assert.Empty(BullyingCaseDecider.Decide(new AssignCounsellor("liu", "a", Case.Now), Case.State(Case.Reported(), assigned)));
    }
}

public sealed class DetermineBullyingCaseTests
{
    [Fact]
    public void A_case_is_determined_once()
    {
        var determined = Assert.IsType<BullyingCaseDetermined>(Assert.Single(BullyingCaseDecider.Decide(
            new DetermineBullyingCase(true, "查实", "a", Case.Now), Case.State(Case.Reported()))));
        Assert.Equal("case-determined", Assert.Throws<RuleViolation>(() => BullyingCaseDecider.Decide(
            new DetermineBullyingCase(false, "改判", "a", Case.Now), Case.State(Case.Reported(), determined))).Code);
    }
}

public sealed class RecordBullyingMeasureTests
{
    [Fact]
    public void Measures_follow_a_determination()
    {
        Assert.Throws<RuleViolation>(() => BullyingCaseDecider.Decide(new RecordBullyingMeasure(Guid.NewGuid(), "约谈", "a", Case.Now), Case.State(Case.Reported())));
        Assert.IsType<BullyingMeasureRecorded>(Assert.Single(BullyingCaseDecider.Decide(
            new RecordBullyingMeasure(Guid.NewGuid(), "约谈", "a", Case.Now), Case.State(Case.Reported(), Case.Determined()))));
    }
}

public sealed class CloseBullyingCaseTests
{
    [Fact]
    public void Closing_without_a_determination_is_refused() =>
        Assert.Equal("case-not-determined", Assert.Throws<RuleViolation>(() => BullyingCaseDecider.Decide(
            new CloseBullyingCase("a", Case.Now), Case.State(Case.Reported()))).Code);

    [Fact]
    public void Bullying_needs_its_measures_before_closing()
    {
        Assert.Equal("measures-missing", Assert.Throws<RuleViolation>(() => BullyingCaseDecider.Decide(
            new CloseBullyingCase("a", Case.Now), Case.State(Case.Reported(), Case.Determined(true)))).Code);
        Assert.Single(BullyingCaseDecider.Decide(new CloseBullyingCase("a", Case.Now), Case.State(Case.Reported(), Case.Determined(true),
            new BullyingMeasureRecorded(Case.CaseId, Guid.NewGuid(), "约谈", "a", Case.Now))));
    }

    [Fact]
    public void Not_bullying_closes_without_measures_and_closes_once()
    {
        var closed = Assert.IsType<BullyingCaseClosed>(Assert.Single(BullyingCaseDecider.Decide(
            new CloseBullyingCase("a", Case.Now), Case.State(Case.Reported(), Case.Determined(false)))));
        Assert.Throws<RuleViolation>(() => BullyingCaseDecider.Decide(new CloseBullyingCase("a", Case.Now),
            Case.State(Case.Reported(), Case.Determined(false), closed)));
    }
}

public sealed class EraseBullyingCaseTests
{
    [Fact]
    public void Only_a_closed_case_is_erased_and_only_once()
    {
        var closed = Case.State(Case.Reported(), Case.Determined(false), new BullyingCaseClosed(Case.CaseId, "a", Case.Now));
        Assert.Equal("case-not-closed", Assert.Throws<RuleViolation>(() => BullyingCaseDecider.Decide(
            new EraseBullyingCase("a", Case.Now), Case.State(Case.Reported(), Case.Determined(false)))).Code);
        var erased = Assert.IsType<BullyingCaseErased>(Assert.Single(BullyingCaseDecider.Decide(new EraseBullyingCase("a", Case.Now), closed)));
        Assert.Equal("case-erased", Assert.Throws<RuleViolation>(() => BullyingCaseDecider.Decide(
            new EraseBullyingCase("a", Case.Now), closed.Apply(erased))).Code);
    }
}

public sealed class CaseCipherTests
{
    [Fact]
    public void Sealed_text_opens_only_with_its_own_key()
    {
        var key = RecordKey.New(Guid.NewGuid());
        var sealedText = RecordCipher.Seal(key, "推搡");

        Assert.DoesNotContain("推搡", sealedText);
        Assert.Equal("推搡", RecordCipher.Open(key, sealedText));
        Assert.Null(RecordCipher.Open(RecordKey.New(Guid.NewGuid()), sealedText));
        Assert.Null(RecordCipher.Open(null, sealedText));
        Assert.NotEqual(sealedText, RecordCipher.Seal(key, "推搡"));
    }
}
