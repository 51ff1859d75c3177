using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.PersonalData;
using JiaoLianTi.Wellbeing.Protection;

namespace JiaoLianTi.Wellbeing.SupportPlans;

/// <summary>
/// 三方联动帮扶档案: proposed (by CampusSafety's request) -> open -> under review -> closed. A proposal for a child who
/// has no Wellbeing record with a guardian's consent waits (<see cref="AwaitingRecord"/>) until the school records the
/// child with consent; then it is proposed.
/// </summary>
public enum PlanStatus { Proposed, Open, UnderReview, Closed, AwaitingRecord }

public enum PlanOutcome { GoalsMet, Transferred, Withdrawn, Declined }

/// <summary>The three parties of a plan.</summary>
public enum Party { School, Family, Community }

public record PlanProposed(
    Guid PlanId, Guid StudentId, Guid SchoolId, string CountyCode, string Reason, Guid? RequestId, string ProposedBy, DateTimeOffset At);

/// <summary>
/// The proposal's child has no Wellbeing record with a guardian's consent: the school is asked to record the child
/// (with consent) first, and the proposal waits.
/// </summary>
public record PlanAwaitingRecord(Guid PlanId, Guid StudentId, Guid SchoolId, string CountyCode, DateTimeOffset At);

/// <summary>The child was recorded with consent: the waiting proposal is proposed.</summary>
public record PlanRecordReady(Guid PlanId, Guid StudentId, DateTimeOffset At);

/// <summary>Opened with its three parties: the school's counsellor or teacher (subject), the family (the guardian,
/// sealed) and a community or medical member unit of the school's alliance; goals sealed under the plan's key.</summary>
public record PlanOpened(
    Guid PlanId, Guid StudentId, Guid SchoolId, string CountyCode, string SchoolParty, Sealed FamilyParty,
    Guid CommunityUnitId, Sealed Goals, string OpenedBy, DateTimeOffset At);

public record MeasureAdded(Guid PlanId, Guid MeasureId, Sealed Description, Party Owner, DateOnly DueOn, string By, DateTimeOffset At);

public record ReviewStarted(Guid PlanId, string By, DateTimeOffset At);

public record ReviewRecorded(Guid PlanId, DateOnly ReviewedOn, Sealed Notes, string By, DateTimeOffset At);

public record PlanClosed(Guid PlanId, Guid SchoolId, string CountyCode, PlanOutcome Outcome, Sealed? Notes, string By, DateTimeOffset At);

/// <summary>The plan's key was deleted when its retention ran out: its sealed fields are unreadable.</summary>
public record PlanErased(Guid PlanId, string Reason, DateTimeOffset At);

public sealed record Measure(Guid MeasureId, Sealed Description, Party Owner, DateOnly DueOn);

public sealed record Review(DateOnly ReviewedOn, Sealed Notes, string By);

public sealed record SupportPlan(
    Guid Id, Guid StudentId, Guid SchoolId, string CountyCode, PlanStatus Status, string? Reason, string? SchoolParty,
    Sealed? FamilyParty, Guid? CommunityUnitId, Sealed? Goals, IReadOnlyList<Measure> Measures, IReadOnlyList<Review> Reviews,
    PlanOutcome? Outcome, Sealed? ClosingNotes, DateTimeOffset CreatedAt, DateTimeOffset? OpenedAt, DateTimeOffset? ClosedAt, bool Erased)
{
    public long Version { get; set; }

    public static SupportPlan Create(PlanProposed e) =>
        new(e.PlanId, e.StudentId, e.SchoolId, e.CountyCode, PlanStatus.Proposed, e.Reason, null, null, null, null, [], [], null, null, e.At, null, null, false);

    public static SupportPlan Create(PlanOpened e) => Empty(e.PlanId, e.StudentId, e.SchoolId, e.CountyCode, e.At).Apply(e);

    private static SupportPlan Empty(Guid id, Guid student, Guid school, string county, DateTimeOffset at) =>
        new(id, student, school, county, PlanStatus.Proposed, null, null, null, null, null, [], [], null, null, at, null, null, false);

    public SupportPlan Apply(PlanOpened e) => this with
    {
        Status = PlanStatus.Open, SchoolParty = e.SchoolParty, FamilyParty = e.FamilyParty, CommunityUnitId = e.CommunityUnitId,
        Goals = e.Goals, OpenedAt = e.At,
    };

    public SupportPlan Apply(PlanAwaitingRecord e) => this with { Status = PlanStatus.AwaitingRecord };

    public SupportPlan Apply(PlanRecordReady e) => this with { Status = PlanStatus.Proposed };

    public SupportPlan Apply(MeasureAdded e) => this with { Measures = [.. Measures, new Measure(e.MeasureId, e.Description, e.Owner, e.DueOn)] };

    public SupportPlan Apply(ReviewStarted e) => this with { Status = PlanStatus.UnderReview };

    public SupportPlan Apply(ReviewRecorded e) => this with { Reviews = [.. Reviews, new Review(e.ReviewedOn, e.Notes, e.By)] };

    public SupportPlan Apply(PlanClosed e) => this with { Status = PlanStatus.Closed, Outcome = e.Outcome, ClosingNotes = e.Notes, ClosedAt = e.At };

    public SupportPlan Apply(PlanErased e) => this with
    {
        Erased = true, FamilyParty = null, Goals = null, ClosingNotes = null,
        Measures = [], Reviews = [],
    };
}

/// <param name="ChildRecordedWithConsent">The child has a Wellbeing record, not erased, with a guardian's consent.</param>
public record ProposePlan(Guid PlanId, Guid StudentId, Guid SchoolId, string CountyCode, string Reason, Guid? RequestId, string ProposedBy, DateTimeOffset Now,
    bool ChildRecordedWithConsent = true);

/// <param name="ChildRecordedWithConsent">The child has a Wellbeing record, not erased, with a guardian's consent.</param>
public record OpenPlan(
    Guid PlanId, Guid StudentId, Guid SchoolId, string CountyCode, string SchoolParty, Sealed FamilyParty, Guid CommunityUnitId,
    Sealed Goals, string OpenedBy, DateTimeOffset Now, bool ChildRecordedWithConsent = true);

/// <summary>The child of a waiting proposal was recorded with consent.</summary>
public record ReleaseProposal(Guid PlanId, DateTimeOffset Now);

public record AddMeasure(Guid PlanId, Guid MeasureId, Sealed Description, Party Owner, DateOnly DueOn, string By, DateTimeOffset Now);

public record StartReview(Guid PlanId, string By, DateTimeOffset Now);

public record RecordReview(Guid PlanId, DateOnly ReviewedOn, Sealed Notes, string By, DateTimeOffset Now);

public record ClosePlan(Guid PlanId, PlanOutcome Outcome, Sealed? Notes, string By, DateTimeOffset Now);

/// <summary>The support plan's rules, pure.</summary>
public static class SupportPlanDecider
{
    /// <summary>A proposal; for a child without a record with consent, a proposal that waits for one.</summary>
    public static IReadOnlyList<object> Decide(ProposePlan c, SupportPlan? state)
    {
        if (state is not null)
        {
            return [];
        }
        var proposed = new PlanProposed(c.PlanId, c.StudentId, c.SchoolId, c.CountyCode, c.Reason, c.RequestId, c.ProposedBy, c.Now);
        return c.ChildRecordedWithConsent
            ? [proposed]
            : [proposed, new PlanAwaitingRecord(c.PlanId, c.StudentId, c.SchoolId, c.CountyCode, c.Now)];
    }

    public static IReadOnlyList<object> Decide(ReleaseProposal c, SupportPlan state) =>
        state.Status == PlanStatus.AwaitingRecord ? [new PlanRecordReady(c.PlanId, state.StudentId, c.Now)] : [];

    /// <summary>Opens a new plan (state null) or a proposed one; never for a child without a record with consent.</summary>
    public static IReadOnlyList<object> Decide(OpenPlan c, SupportPlan? state)
    {
        if (state is not null && state.Status is not (PlanStatus.Proposed or PlanStatus.AwaitingRecord))
        {
            throw new RuleViolation("plan-opened", "帮扶档案已建立 / The plan is already open.");
        }
        if (!c.ChildRecordedWithConsent)
        {
            throw new RuleViolation("child-not-recorded",
                "须先为该学生建档并取得监护人同意，才能建立帮扶档案 / Record the child in Wellbeing with a guardian's consent before opening a plan.");
        }
        return [new PlanOpened(c.PlanId, c.StudentId, c.SchoolId, c.CountyCode, c.SchoolParty, c.FamilyParty, c.CommunityUnitId, c.Goals, c.OpenedBy, c.Now)];
    }

    public static IReadOnlyList<object> Decide(AddMeasure c, SupportPlan state)
    {
        Active(state);
        if (c.DueOn < ChinaDays.Of(state.OpenedAt!.Value))
        {
            throw new RuleViolation("measure-before-plan", "措施期限早于档案建立日期 / A measure cannot be due before the plan was opened.");
        }
        return [new MeasureAdded(c.PlanId, c.MeasureId, c.Description, c.Owner, c.DueOn, c.By, c.Now)];
    }

    public static IReadOnlyList<object> Decide(StartReview c, SupportPlan state)
    {
        if (state.Status != PlanStatus.Open)
        {
            throw new RuleViolation("plan-not-open", "只有进行中的档案可以进入评估 / Only an open plan can go under review.");
        }
        return [new ReviewStarted(c.PlanId, c.By, c.Now)];
    }

    public static IReadOnlyList<object> Decide(RecordReview c, SupportPlan state)
    {
        Active(state);
        var opened = ChinaDays.Of(state.OpenedAt!.Value);
        if (c.ReviewedOn < opened)
        {
            throw new RuleViolation("review-before-plan",
                $"评估日期 {c.ReviewedOn:yyyy-MM-dd} 早于档案建立日期 {opened:yyyy-MM-dd} / A review cannot be dated before the plan was opened.");
        }
        if (c.ReviewedOn > ChinaDays.Of(c.Now))
        {
            throw new RuleViolation("review-in-future", "评估日期不能晚于今天 / A review cannot be dated in the future.");
        }
        return [new ReviewRecorded(c.PlanId, c.ReviewedOn, c.Notes, c.By, c.Now)];
    }

    public static IReadOnlyList<object> Decide(ClosePlan c, SupportPlan state)
    {
        if (state.Status is PlanStatus.Proposed or PlanStatus.AwaitingRecord && c.Outcome == PlanOutcome.Declined)
        {
            return [new PlanClosed(c.PlanId, state.SchoolId, state.CountyCode, c.Outcome, c.Notes, c.By, c.Now)];
        }
        if (state.Status != PlanStatus.UnderReview)
        {
            throw new RuleViolation("plan-not-under-review",
                "档案须经评估后结案（或拒绝提议） / A plan is closed after review (or a proposal declined).");
        }
        if (state.Reviews.Count == 0)
        {
            throw new RuleViolation("no-review", "结案前须至少有一次评估记录 / A plan needs at least one recorded review to close.");
        }
        return [new PlanClosed(c.PlanId, state.SchoolId, state.CountyCode, c.Outcome, c.Notes, c.By, c.Now)];
    }

    private static void Active(SupportPlan state)
    {
        if (state.Status is not (PlanStatus.Open or PlanStatus.UnderReview))
        {
            throw new RuleViolation("plan-not-active", "档案未处于进行中或评估中 / The plan is not open or under review.");
        }
    }
}
