using JiaoLianTi.CampusSafety.Contracts;
using JiaoLianTi.CampusSafety.Hazards;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Xunit;

namespace JiaoLianTi.CampusSafety.Tests.Deciders;

internal static class Hazard
{
    public static readonly DateTimeOffset Now = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);
    public static readonly Guid ReportId = Guid.NewGuid();
    public static readonly Guid SchoolId = Guid.NewGuid();
    public static readonly Guid Unit = Guid.NewGuid();

    public static HazardReportFiled Filed(string kind = HazardKinds.Traffic) =>
        new(ReportId, SchoolId, "510104", kind, "违停", "东门", "teacher", Role.Teacher, Now + HazardDecider.Sla(kind), Now);

    public static HazardReportAssigned Assigned(string kind = HazardKinds.Traffic) =>
        new(ReportId, SchoolId, "510104", kind, Unit, "TrafficPolice", Now + HazardDecider.Sla(kind), Now);

    public static HazardReportResolved Resolved() => new(ReportId, SchoolId, HazardKinds.Traffic, Unit, "done", "officer", Now.AddHours(1));

    public static SurroundingsReport State(params object[] events) => Given.State<SurroundingsReport>(events);
}

public sealed class FileHazardReportTests
{
    [Fact]
    public void With_a_responsible_unit_it_is_filed_and_assigned_due_by_the_kinds_SLA()
    {
        var events = HazardDecider.Decide(new FileHazardReport(Hazard.ReportId, Hazard.SchoolId, "510104", HazardKinds.Security,
            " 可疑人员 ", "北门", "t", Role.Teacher, new ResponsibleUnit(Hazard.Unit, "PoliceStation"), Hazard.Now));

        var filed = Assert.IsType<HazardReportFiled>(events[0]);
        Assert.Equal("可疑人员", filed.Description);
        var assigned = Assert.IsType<HazardReportAssigned>(events[1]);
        Assert.Equal(Hazard.Unit, assigned.UnitId);
        Assert.Equal(Hazard.Now.AddHours(24), assigned.DueAt);
    }

    [Fact]
    public void Without_a_unit_it_waits_unrouted_naming_the_kind_it_needs()
    {
        var events = HazardDecider.Decide(new FileHazardReport(Hazard.ReportId, Hazard.SchoolId, "510104", HazardKinds.VendorsAndFood,
            "无证摊贩", "西门", "p", Role.Parent, null, Hazard.Now));

        Assert.Equal("MarketRegulator", Assert.IsType<HazardReportUnrouted>(events[1]).ResponsibleKind);
    }

    [Fact]
    public void An_unknown_kind_is_refused()
    {
        var error = Assert.Throws<ValidationFailed>(() => HazardDecider.Decide(new FileHazardReport(Hazard.ReportId, Hazard.SchoolId,
            "510104", "Ghosts", "x", "y", "t", Role.Teacher, null, Hazard.Now)));
        Assert.Contains("kind", error.Errors.Keys);
    }
}

public sealed class RouteHazardReportTests
{
    [Fact]
    public void An_unrouted_report_is_assigned_when_a_unit_is_found() =>
        Assert.IsType<HazardReportAssigned>(Assert.Single(HazardDecider.Decide(
            new RouteHazardReport(new ResponsibleUnit(Hazard.Unit, "TrafficPolice"), Hazard.Now), Hazard.State(Hazard.Filed()))));

    [Fact]
    public void Still_no_unit_is_a_conflict() =>
        Assert.Throws<RuleViolation>(() => HazardDecider.Decide(new RouteHazardReport(null, Hazard.Now), Hazard.State(Hazard.Filed())));

    [Fact]
    public void An_assigned_report_is_not_routed_again() =>
        Assert.Throws<RuleViolation>(() => HazardDecider.Decide(new RouteHazardReport(new ResponsibleUnit(Guid.NewGuid(), "TrafficPolice"), Hazard.Now),
            Hazard.State(Hazard.Filed(), Hazard.Assigned())));
}

public sealed class AttachHazardPhotoTests
{
    [Fact]
    public void A_photo_is_attached_to_an_open_report() =>
        Assert.IsType<HazardPhotoAttached>(Assert.Single(HazardDecider.Decide(
            new AttachHazardPhoto(Guid.NewGuid(), "image/png", 100, "t", Hazard.Now), Hazard.State(Hazard.Filed(), Hazard.Assigned()))));

    [Fact]
    public void No_photo_after_the_report_is_closed() =>
        Assert.Equal("hazard-closed", Assert.Throws<RuleViolation>(() => HazardDecider.Decide(
            new AttachHazardPhoto(Guid.NewGuid(), "image/png", 100, "t", Hazard.Now),
            Hazard.State(Hazard.Filed(), Hazard.Assigned(), Hazard.Resolved(), new HazardReportClosed(Hazard.ReportId, "a", Hazard.Now)))).Code);

    [Fact]
    public void At_most_ten_photos()
    {
        var events = new List<object> { Hazard.Filed() };
        events.AddRange(Enumerable.Range(0, HazardDecider.MaxPhotos).Select(_ => new HazardPhotoAttached(Hazard.ReportId, Guid.NewGuid(), "image/png", 1, "t", Hazard.Now)));
        Assert.Equal("too-many-photos", Assert.Throws<RuleViolation>(() => HazardDecider.Decide(
            new AttachHazardPhoto(Guid.NewGuid(), "image/png", 1, "t", Hazard.Now), Hazard.State(events.ToArray()))).Code);
    }
}

public sealed class PhotoTypesTests
{
    [Theory]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }, "image/jpeg")]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, "image/png")]
    [InlineData(new byte[] { 0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4, 0x57, 0x45, 0x42, 0x50 }, "image/webp")]
    [InlineData(new byte[] { 0x25, 0x50, 0x44, 0x46 }, null)]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E }, null)]
    [InlineData(new byte[0], null)]
    public void The_type_is_told_by_the_first_bytes(byte[] content, string? type) => Assert.Equal(type, PhotoTypes.Sniff(content));
}

public sealed class AcknowledgeHazardReportTests
{
    [Fact]
    public void The_assigned_unit_acknowledges() =>
        Assert.IsType<HazardReportAcknowledged>(Assert.Single(HazardDecider.Decide(
            new AcknowledgeHazardReport(Hazard.Unit, "o", Hazard.Now), Hazard.State(Hazard.Filed(), Hazard.Assigned()))));

    [Fact]
    public void Another_unit_is_forbidden() =>
        Assert.Throws<ForbiddenException>(() => HazardDecider.Decide(
            new AcknowledgeHazardReport(Guid.NewGuid(), "o", Hazard.Now), Hazard.State(Hazard.Filed(), Hazard.Assigned())));

    [Fact]
    public void Twice_is_a_conflict() =>
        Assert.Throws<RuleViolation>(() => HazardDecider.Decide(new AcknowledgeHazardReport(Hazard.Unit, "o", Hazard.Now),
            Hazard.State(Hazard.Filed(), Hazard.Assigned(), new HazardReportAcknowledged(Hazard.ReportId, Hazard.Unit, "o", Hazard.Now))));
}

public sealed class ResolveHazardReportTests
{
    [Fact]
    public void The_assigned_unit_resolves_with_a_note()
    {
        var resolved = Assert.IsType<HazardReportResolved>(Assert.Single(HazardDecider.Decide(
            new ResolveHazardReport(Hazard.Unit, " 已处置 ", "o", Hazard.Now), Hazard.State(Hazard.Filed(), Hazard.Assigned()))));
        Assert.Equal("已处置", resolved.Note);
    }

    [Fact]
    public void A_report_not_assigned_to_the_callers_unit_is_forbidden()
    {
        Assert.Throws<ForbiddenException>(() => HazardDecider.Decide(new ResolveHazardReport(Guid.NewGuid(), "x", "o", Hazard.Now),
            Hazard.State(Hazard.Filed(), Hazard.Assigned())));
        Assert.Throws<ForbiddenException>(() => HazardDecider.Decide(new ResolveHazardReport(null, "x", "o", Hazard.Now),
            Hazard.State(Hazard.Filed(), Hazard.Assigned())));
        Assert.Throws<ForbiddenException>(() => HazardDecider.Decide(new ResolveHazardReport(Hazard.Unit, "x", "o", Hazard.Now),
            Hazard.State(Hazard.Filed())));
    }

    [Fact]
    public void A_resolved_report_is_not_resolved_again() =>
        Assert.Throws<RuleViolation>(() => HazardDecider.Decide(new ResolveHazardReport(Hazard.Unit, "x", "o", Hazard.Now),
            Hazard.State(Hazard.Filed(), Hazard.Assigned(), Hazard.Resolved())));
}

public sealed class CloseHazardReportTests
{
    [Fact]
    public void A_resolved_report_is_verified_and_closed() =>
        Assert.IsType<HazardReportClosed>(Assert.Single(HazardDecider.Decide(new CloseHazardReport("a", Hazard.Now),
            Hazard.State(Hazard.Filed(), Hazard.Assigned(), Hazard.Resolved()))));

    [Fact]
    public void An_unresolved_report_cannot_be_closed() =>
        Assert.Equal("hazard-not-resolved", Assert.Throws<RuleViolation>(() => HazardDecider.Decide(new CloseHazardReport("a", Hazard.Now),
            Hazard.State(Hazard.Filed(), Hazard.Assigned()))).Code);
}

public sealed class ReopenHazardReportTests
{
    [Fact]
    public void A_resolved_report_goes_back_to_its_unit_with_a_fresh_SLA()
    {
        var later = Hazard.Now.AddDays(2);
        var reopened = Assert.IsType<HazardReportReopened>(Assert.Single(HazardDecider.Decide(new ReopenHazardReport("又来了", "a", later),
            Hazard.State(Hazard.Filed(), Hazard.Assigned(), Hazard.Resolved()))));
        Assert.Equal(Hazard.Unit, reopened.UnitId);
        Assert.Equal(later.AddHours(72), reopened.DueAt);
    }

    [Fact]
    public void An_open_report_cannot_be_reopened() =>
        Assert.Throws<RuleViolation>(() => HazardDecider.Decide(new ReopenHazardReport("x", "a", Hazard.Now), Hazard.State(Hazard.Filed(), Hazard.Assigned())));
}

public sealed class EscalateOverdueHazardTests
{
    [Fact]
    public void Past_its_SLA_an_open_report_escalates()
    {
        var escalated = Assert.IsType<HazardReportEscalated>(Assert.Single(HazardDecider.Decide(
            new EscalateOverdueHazard(Hazard.Now.AddHours(73)), Hazard.State(Hazard.Filed(), Hazard.Assigned()))));
        Assert.Equal(Hazard.Unit, escalated.UnitId);
        Assert.Equal(0, escalated.Round);
    }

    [Fact]
    public void Before_its_SLA_nothing() =>
        Assert.Empty(HazardDecider.Decide(new EscalateOverdueHazard(Hazard.Now.AddHours(71)), Hazard.State(Hazard.Filed(), Hazard.Assigned())));

    [Fact]
    public void A_round_escalates_once_and_a_reopen_starts_a_new_round()
    {
        var once = Hazard.State(Hazard.Filed(), Hazard.Assigned(),
            new HazardReportEscalated(Hazard.ReportId, Hazard.SchoolId, "510104", HazardKinds.Traffic, Hazard.Unit, 0, Hazard.Now.AddHours(73)));
        Assert.Empty(HazardDecider.Decide(new EscalateOverdueHazard(Hazard.Now.AddDays(30)), once));

        var reopened = Given.State<SurroundingsReport>(Hazard.Filed(), Hazard.Assigned(),
            new HazardReportEscalated(Hazard.ReportId, Hazard.SchoolId, "510104", HazardKinds.Traffic, Hazard.Unit, 0, Hazard.Now.AddHours(73)),
            Hazard.Resolved() with { At = Hazard.Now.AddHours(80) },
            new HazardReportReopened(Hazard.ReportId, Hazard.SchoolId, "510104", HazardKinds.Traffic, Hazard.Unit, "x", Hazard.Now.AddHours(152), "a", Hazard.Now.AddHours(80)));
        Assert.Empty(HazardDecider.Decide(new EscalateOverdueHazard(Hazard.Now.AddHours(151)), reopened));
        Assert.Equal(1, Assert.IsType<HazardReportEscalated>(Assert.Single(
            HazardDecider.Decide(new EscalateOverdueHazard(Hazard.Now.AddHours(153)), reopened))).Round);
    }

    [Fact]
    public void A_resolved_report_is_not_overdue() =>
        Assert.Empty(HazardDecider.Decide(new EscalateOverdueHazard(Hazard.Now.AddDays(30)), Hazard.State(Hazard.Filed(), Hazard.Assigned(), Hazard.Resolved())));
}

public sealed class EraseHazardDescriptionTests
{
    [Fact]
    public void Any_report_can_have_its_description_erased_once_and_the_report_stays()
    {
        var open = Hazard.State(Hazard.Filed(), Hazard.Assigned());

        var erased = Assert.IsType<HazardDescriptionErased>(Assert.Single(HazardDecider.Decide(new EraseHazardDescription("admin", Hazard.Now), open)));
        var after = open.Apply(erased);

        Assert.True(after.DescriptionErased);
        Assert.Equal("", after.Description);
        Assert.Equal(HazardStatus.Assigned, after.Status);
        var again = Assert.Throws<RuleViolation>(() => HazardDecider.Decide(new EraseHazardDescription("admin", Hazard.Now), after));
        Assert.Equal("description-erased", again.Code);
    }
}
