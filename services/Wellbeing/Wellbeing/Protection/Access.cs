using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Wellbeing.Children;
using Marten;

namespace JiaoLianTi.Wellbeing.Protection;

/// <summary><see cref="ReferralContact"/>: the receiving unit's read of the guardian's contact under a referral's grant;
/// <see cref="HealthScreening"/>: a read of a child's health screening results (its parents' included).</summary>
public enum ReadResource { ChildRecord, SupportPlan, Referral, ReferralContact, HealthScreening }

/// <summary>Why a record was read: the caller says so on every read (<c>?purpose=</c>), and it is recorded.</summary>
public enum AccessPurpose { Care, Screening, SupportPlan, Referral, Crisis, Supervision }

/// <summary>A read of a child's record, plan or referral: who, when, why (and under which grant). Each read is its own
/// one-event stream, so that reads never contend with the record's writes nor change its ETag.</summary>
public record RecordRead(
    Guid StudentId, Guid SchoolId, string CountyCode, string Reader, string ReaderRole, ReadResource Resource,
    Guid ResourceId, AccessPurpose Purpose, Guid? GrantId, DateTimeOffset At);

/// <summary>
/// Need-to-know: the school's admins and the child's assigned counsellor (or a counsellor who is a party of the plan);
/// anyone else only with a recorded, reasoned, time-limited grant. The rest of the caller's school and region get 403,
/// everyone else 404 (they may not learn the record exists).
/// </summary>
public static class Access
{
    /// <returns>The grant the caller reads under, or null when they need none.</returns>
    public static Guid? Authorize(Caller caller, Guid schoolId, string countyCode, Child? child, DateTimeOffset now, bool isParty = false)
    {
        if (caller.Role == Role.SchoolAdmin && caller.SchoolId == schoolId)
        {
            return null;
        }
        if (caller.Role == Role.Counsellor && (isParty || (child?.Counsellor is { } counsellor && counsellor == caller.Subject)))
        {
            return null;
        }
        if (isParty && caller.Role == Role.MemberOfficer)
        {
            return null;
        }
        if (child?.ActiveGrant(caller.Subject, now) is { } grant)
        {
            return grant.GrantId;
        }
        throw Refusal(caller, schoolId, countyCode);
    }

    /// <summary>Who may change a child's care: the school's admins, the assigned counsellor, or a counsellor of the school
    /// while none is assigned.</summary>
    public static void AuthorizeCare(Caller caller, Guid schoolId, string countyCode, Child? child)
    {
        var allowed = caller.Role switch
        {
            Role.SchoolAdmin => caller.SchoolId == schoolId,
            Role.Counsellor => child?.Counsellor is { } c ? c == caller.Subject : caller.SchoolId == schoolId,
            _ => false,
        };
        if (!allowed)
        {
            throw Refusal(caller, schoolId, countyCode);
        }
    }

    public static void AuthorizeSchoolAdmin(Caller caller, Guid schoolId, string countyCode)
    {
        if (caller.Role != Role.SchoolAdmin || caller.SchoolId != schoolId)
        {
            throw Refusal(caller, schoolId, countyCode);
        }
    }

    public static Exception Refusal(Caller caller, Guid schoolId, string countyCode) =>
        caller.SchoolId == schoolId || caller.Covers(countyCode)
            ? new ForbiddenException("无知情必要或有效授权 / Need-to-know: only the assigned counsellor, the school's admins, or a holder of a valid grant.")
            : new NotFoundException("未找到 / Not found.");

    /// <summary>Stages the audit event of one read; the caller saves it before answering with the data.</summary>
    public static void RecordRead(IDocumentSession session, Caller caller, Guid studentId, Guid schoolId, string countyCode,
        ReadResource resource, Guid resourceId, AccessPurpose purpose, Guid? grantId, DateTimeOffset now) =>
        session.Events.StartStream(Guid.CreateVersion7(), new RecordRead(
            studentId, schoolId, countyCode, caller.Subject, caller.Role.ToString(), resource, resourceId, purpose, grantId, now));

    public static AccessPurpose RequirePurpose(AccessPurpose? purpose)
    {
        new Validation().Check(purpose is not null, "purpose",
            "读取须说明目的 (Care, Screening, SupportPlan, Referral, Crisis, Supervision) / Every read must state its purpose").ThrowIfInvalid();
        return purpose!.Value;
    }
}
