using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.PersonalData;
using JiaoLianTi.Wellbeing.Protection;

namespace JiaoLianTi.Wellbeing.Children;

public record RecordChild(
    Guid StudentId, Guid SchoolId, string CountyCode, Sealed Details, DateOnly DateOfBirth, ConsentStatus? Consent,
    Sealed? ConsentBy, string RecordedBy, DateTimeOffset Now);

public record RecordConsent(Guid StudentId, ConsentStatus Status, Sealed? Guardian, string RecordedBy, DateTimeOffset Now);

public record AssignCareCategory(Guid StudentId, CareCategory Category, CareSource Source, string AssignedBy, DateTimeOffset Now);

public record AssignCounsellor(Guid StudentId, string Counsellor, string AssignedBy, DateTimeOffset Now, string? Issuer = null);

public record GrantAccess(Guid StudentId, Guid GrantId, string Grantee, Sealed Reason, DateTimeOffset Until, string GrantedBy, DateTimeOffset Now,
    Guid? GranteeSchoolId = null, Guid? GranteeUnitId = null, string? Issuer = null);

public record RevokeAccess(Guid StudentId, Guid GrantId, string RevokedBy, DateTimeOffset Now);

public record RecordScreening(Guid StudentId, Guid? RoundId, string Instrument, int Score, Tier Tier, DateOnly TakenOn, string RecordedBy, DateTimeOffset Now);

public record RecordFollowUp(Guid StudentId, DateOnly On, Sealed? Notes, string By, DateTimeOffset Now);

public record DetectMissedFollowUps(Guid StudentId, IReadOnlyDictionary<CareCategory, TimeSpan> Intervals, DateTimeOffset Now);

public record EraseChild(Guid StudentId, ErasureReason Reason, string By, DateTimeOffset Now);

/// <summary>The child record's rules, pure.</summary>
public static class ChildDecider
{
    /// <summary>PIPL art. 28/31: the personal information of a child under 14 is processed only with a guardian's consent.</summary>
    public const int AgeOfConsent = 14;
    public static readonly TimeSpan LongestGrant = TimeSpan.FromDays(30);

    public static int AgeOn(DateOnly dateOfBirth, DateOnly day)
    {
        var age = day.Year - dateOfBirth.Year;
        return dateOfBirth > day.AddYears(-age) ? age - 1 : age;
    }

    public static IReadOnlyList<object> Decide(RecordChild c, Child? state)
    {
        if (state is not null)
        {
            throw new RuleViolation("child-exists", "该学生的档案已存在 / This student already has a record.");
        }
        if (c.DateOfBirth > ChinaDays.Of(c.Now))
        {
            throw new RuleViolation("birth-in-future", "出生日期晚于今天 / The date of birth is in the future.");
        }
        var underFourteen = AgeOn(c.DateOfBirth, ChinaDays.Of(c.Now)) < AgeOfConsent;
        if (c.Consent == ConsentStatus.Refused || c.Consent == ConsentStatus.Withdrawn)
        {
            throw new RuleViolation("consent-refused", "监护人未同意，不得建档 / The guardian did not consent: no record may be kept.");
        }
        if (underFourteen && (c.Consent != ConsentStatus.Given || c.ConsentBy is null))
        {
            throw new RuleViolation("consent-required",
                "不满十四周岁的未成年人建档须经监护人同意 / A child under 14 is recorded only with a guardian's consent (PIPL art. 31).");
        }
        return [new ChildRecorded(c.StudentId, c.SchoolId, c.CountyCode, c.Details, underFourteen, c.Consent, c.ConsentBy, c.RecordedBy, c.Now)];
    }

    public static IReadOnlyList<object> Decide(RecordConsent c, Child state)
    {
        NotErased(state);
        if (c.Status == ConsentStatus.Given)
        {
            return [new ConsentRecorded(c.StudentId, c.Status, c.Guardian, c.RecordedBy, c.Now)];
        }
        // Refused or withdrawn: the record has no lawful basis any more (for a child under 14 always; for an older
        // child the withdrawal of consent given for them) and is erased at once.
        return
        [
            new ConsentRecorded(c.StudentId, c.Status, c.Guardian, c.RecordedBy, c.Now),
            new ChildErased(c.StudentId, ErasureReason.ConsentWithdrawn, c.RecordedBy, c.Now),
        ];
    }

    public static IReadOnlyList<object> Decide(AssignCareCategory c, Child state)
    {
        NotErased(state);
        if (state.Categories.Any(x => x.Category == c.Category))
        {
            throw new RuleViolation("category-assigned", "该关爱类别已登记 / The child already has this care category.");
        }
        return [new CareCategoryAssigned(c.StudentId, c.Category, c.Source, c.AssignedBy, c.Now)];
    }

    public static IReadOnlyList<object> Decide(AssignCounsellor c, Child state)
    {
        NotErased(state);
        return state.Counsellor == c.Counsellor && state.CounsellorIssuer == c.Issuer
            ? [] : [new CounsellorAssigned(c.StudentId, c.Counsellor, c.AssignedBy, c.Now, c.Issuer)];
    }

    public static IReadOnlyList<object> Decide(GrantAccess c, Child state)
    {
        NotErased(state);
        if (c.Until <= c.Now || c.Until - c.Now > LongestGrant)
        {
            throw new RuleViolation("grant-period", "授权须有期限，且不超过 30 天 / A grant must end within 30 days from now.");
        }
        if (state.ActiveGrant(c.Grantee, c.Now) is not null)
        {
            throw new RuleViolation("grant-exists", "该人员已有有效授权 / This person already holds an active grant.");
        }
        return [new AccessGranted(c.StudentId, c.GrantId, c.Grantee, c.Reason, c.Until, c.GrantedBy, c.Now,
            c.GranteeSchoolId, c.GranteeUnitId, c.Issuer)];
    }

    public static IReadOnlyList<object> Decide(RevokeAccess c, Child state)
    {
        var grant = state.Grants.FirstOrDefault(g => g.GrantId == c.GrantId)
            ?? throw new NotFoundException($"授权 {c.GrantId} 不存在 / Grant {c.GrantId} was not found.");
        return grant.Revoked ? [] : [new AccessRevoked(c.StudentId, c.GrantId, c.RevokedBy, c.Now)];
    }

    /// <summary>Records a result; alerts (TierChanged) only when the tier differs from the child's current one.</summary>
    public static IReadOnlyList<object> Decide(RecordScreening c, Child state)
    {
        NotErased(state);
        if (state.UnderFourteen && state.Consent != ConsentStatus.Given)
        {
            throw new RuleViolation("consent-required", "无监护人同意 / No guardian consent for this child.");
        }
        var recorded = new ScreeningResultRecorded(c.StudentId, c.RoundId, c.Instrument, c.Score, c.Tier, c.TakenOn, c.RecordedBy, c.Now);
        var current = state.Tier ?? Tier.Green;
        return current == c.Tier
            ? [recorded]
            : [recorded, new TierChanged(c.StudentId, state.SchoolId, current, c.Tier, state.Counsellor, c.Now)];
    }

    public static IReadOnlyList<object> Decide(RecordFollowUp c, Child state)
    {
        NotErased(state);
        if (state.Categories.Count == 0)
        {
            throw new RuleViolation("no-care-category", "该学生没有关爱类别，无需回访 / The child has no care category to follow up.");
        }
        return [new FollowUpRecorded(c.StudentId, c.On, c.Notes, c.By, c.Now)];
    }

    /// <summary>One FollowUpMissed per category whose follow-up is due and not yet reported (idempotent).</summary>
    public static IReadOnlyList<object> Decide(DetectMissedFollowUps c, Child state)
    {
        if (state.Erased)
        {
            return [];
        }
        var missed = new List<object>();
        foreach (var entry in state.Categories)
        {
            var due = entry.LastFollowUp + c.Intervals[entry.Category];
            if (c.Now > due && entry.MissedReportedFor != due)
            {
                missed.Add(new FollowUpMissed(c.StudentId, state.SchoolId, entry.Category, due, state.Counsellor, c.Now));
            }
        }
        return missed;
    }

    public static IReadOnlyList<object> Decide(EraseChild c, Child state) =>
        state.Erased ? [] : [new ChildErased(c.StudentId, c.Reason, c.By, c.Now)];

    private static void NotErased(Child state)
    {
        if (state.Erased)
        {
            throw new RuleViolation("erased", "该档案已被删除（加密销毁） / The record was erased (crypto-shredded).");
        }
    }
}
