using JiaoLianTi.Alliances.Alliances;
using JiaoLianTi.Alliances.Responsibilities;
using Xunit;
using static JiaoLianTi.Alliances.Tests.Deciders.Given;

namespace JiaoLianTi.Alliances.Tests.Deciders;

/// <summary>An existing record comes in with its real dates; the overdue check then treats it like any other.</summary>
public sealed class ImportResponsibilityTests
{
    private static ImportResponsibility Record(DateOnly dueOn, DateTimeOffset? doneAt = null) =>
        new(Guid.NewGuid(), "SC-2026-001", Duties.Alliance, Duties.Police.Id, "护学岗", "", dueOn, 2, Now.AddDays(-40),
            Now.AddDays(-35), doneAt, doneAt is null ? null : "已完成", "province", Now);

    private static Responsibility Built(IReadOnlyList<object> events) =>
        events.Skip(1).Aggregate(Responsibility.Create((ResponsibilityAssigned)events[0]), (r, e) => e switch
        {
            ResponsibilityStarted x => r.Apply(x), ResponsibilityDone x => r.Apply(x), ResponsibilityImported x => r.Apply(x),
            _ => throw new ArgumentOutOfRangeException(nameof(events)),
        });

    [Fact]
    public void A_past_due_record_keeps_its_dates_and_becomes_overdue_at_the_next_check()
    {
        var command = Record(Duties.Today.AddDays(-12));
        var events = ResponsibilityDecider.Decide(command, null);
        var assigned = Assert.IsType<ResponsibilityAssigned>(events[0]);
        Assert.Equal(Now.AddDays(-40), assigned.At);
        Assert.Equal(Now.AddDays(-35), Assert.IsType<ResponsibilityStarted>(events[1]).At);
        var imported = Assert.IsType<ResponsibilityImported>(events[^1]);
        Assert.Equal(("SC-2026-001", Now), (imported.Ref, imported.At));

        var duty = Built(events);
        Assert.Equal("SC-2026-001", duty.ImportRef);
        var marked = ResponsibilityDecider.Decide(new MarkOverdue(duty.Id, Now), duty);
        Assert.Equal([typeof(ResponsibilityOverdue), typeof(ResponsibilityEscalated)], marked.Select(e => e.GetType()));
        Assert.Empty(ResponsibilityDecider.Decide(command, duty));
    }

    [Fact]
    public void A_record_done_in_the_past_is_done_and_a_unit_outside_the_alliance_is_refused()
    {
        var done = Built(ResponsibilityDecider.Decide(Record(Duties.Today.AddDays(-30), Now.AddDays(-31)), null));
        Assert.Equal((ResponsibilityStatus.Done, Now.AddDays(-31)), (done.Status, done.DoneAt));
        Assert.Empty(ResponsibilityDecider.Decide(new MarkOverdue(done.Id, Now), done));
        Assert.Equal("unit-not-member", Refusal(() => ResponsibilityDecider.Decide(
            Record(Duties.Today) with { UnitId = Guid.NewGuid() }, null)));
        var proposed = Alliances.Alliance.Create(new AllianceProposed(Guid.NewGuid(), "筹", AllianceKind.Regional, County, "局", null, null, "a", Now));
        Assert.Equal("alliance-not-established", Refusal(() => ResponsibilityDecider.Decide(Record(Duties.Today) with { Alliance = proposed }, null)));
    }
}
