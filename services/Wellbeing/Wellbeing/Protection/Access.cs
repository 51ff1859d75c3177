using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Wellbeing.Children;
using Marten;

namespace JiaoLianTi.Wellbeing.Protection;

/// <summary><see cref="ReferralContact"/>: the receiving unit's read of the guardian's contact under a referral's grant;
/// <see cref="HealthScreening"/>: a read of a child's health screening results (its parents' included);
/// <see cref="Crisis"/>: a read of a child's crisis chain (危机干预), one entry per chain answered, in a list too.</summary>
public enum ReadResource { ChildRecord, SupportPlan, Referral, ReferralContact, HealthScreening, Crisis }

/// <summary>Why a record was read: the caller says so on every read (<c>?purpose=</c>), and it is recorded.</summary>
public enum AccessPurpose { Care, Screening, SupportPlan, Referral, Crisis, Supervision }

/// <summary>A read of a child's record, plan or referral: who, when, why (and under which grant). Each read is its own
/// one-event stream, so that reads never contend with the record's writes nor change its ETag.</summary>
/// <param name="Refused">An attempt that was refused (403 or 404): nothing was answered, but the school and the
/// county see who tried.</param>
public record RecordRead(
    Guid StudentId, Guid SchoolId, string CountyCode, string Reader, string ReaderRole, ReadResource Resource,
    Guid ResourceId, AccessPurpose Purpose, Guid? GrantId, DateTimeOffset At, bool Refused = false);

/// <summary>Whose record a read is of: the child, their school and county, and which record.</summary>
public sealed record SensitiveRecord(Guid StudentId, Guid SchoolId, string CountyCode, ReadResource Resource, Guid ResourceId);

/// <summary>
/// Need-to-know: the school's admins and the child's assigned counsellor (or a counsellor who is a party of the plan);
/// anyone else only with a recorded, reasoned, time-limited grant. The rest of the caller's school and region get 403,
/// everyone else 404 (they may not learn the record exists).
/// An assignment or a grant names a person: their subject, the issuer of their token, and where they work (the child's
/// school for its counsellor; the school or unit the grant names). The same subject at another school is someone else.
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
        if (caller.Role == Role.Counsellor && ((isParty && caller.SchoolId == schoolId) || IsAssignedCounsellor(caller, child)))
        {
            return null;
        }
        if (isParty && caller.Role == Role.MemberOfficer)
        {
            return null;
        }
        if (child?.ActiveGrant(caller, now) is { } grant)
        {
            return grant.GrantId;
        }
        throw Refusal(caller, schoolId, countyCode);
    }

    /// <summary>The child's assigned counsellor: the person assigned (subject and issuer), working at the child's school.</summary>
    public static bool IsAssignedCounsellor(Caller caller, Child? child) =>
        caller.Role == Role.Counsellor && child is not null && caller.SchoolId == child.SchoolId
        && caller.Is(child.Counsellor, child.CounsellorIssuer);

    /// <summary>
    /// The one way a sensitive record is read: the purpose is required (400 before anything else); need-to-know decides
    /// (<see cref="Authorize"/>, or <paramref name="decide"/> where the record has its own rule); and the read is recorded
    /// before a byte of the record is answered. A refused attempt (403 or 404) is recorded too, then refused.
    /// </summary>
    /// <returns>The purpose recorded and the grant the caller reads under (null when they need none).</returns>
    public static async Task<(AccessPurpose Purpose, Guid? Grant)> ReadAsync(
        IDocumentSession session, Caller caller, AccessPurpose? purpose, SensitiveRecord record, DateTimeOffset now,
        Func<Guid?> decide, CancellationToken ct)
    {
        var why = RequirePurpose(purpose);
        Guid? grant;
        try
        {
            grant = decide();
        }
        catch (Exception e) when (e is ForbiddenException or NotFoundException)
        {
            session.Events.StartStream(Guid.CreateVersion7(), Entry(caller, record, why, null, now) with { Refused = true });
            await session.SaveChangesAsync(ct);
            throw;
        }
        session.Events.StartStream(Guid.CreateVersion7(), Entry(caller, record, why, grant, now));
        await session.SaveChangesAsync(ct);
        return (why, grant);
    }

    /// <summary>Records the reads of the records a list answers, one entry each, before the list is answered.</summary>
    public static async Task RecordReadsAsync(
        IDocumentSession session, Caller caller, AccessPurpose purpose, IEnumerable<SensitiveRecord> records, DateTimeOffset now,
        CancellationToken ct)
    {
        var any = false;
        foreach (var record in records)
        {
            session.Events.StartStream(Guid.CreateVersion7(), Entry(caller, record, purpose, null, now));
            any = true;
        }
        if (any)
        {
            await session.SaveChangesAsync(ct);
        }
    }

    /// <summary><see cref="ReadAsync"/> under the need-to-know rule of the child's record.</summary>
    public static Task<(AccessPurpose Purpose, Guid? Grant)> ReadAsync(
        IDocumentSession session, Caller caller, AccessPurpose? purpose, SensitiveRecord record, Child? child, DateTimeOffset now,
        CancellationToken ct, bool isParty = false) =>
        ReadAsync(session, caller, purpose, record, now,
            () => Authorize(caller, record.SchoolId, record.CountyCode, child, now, isParty), ct);

    private static RecordRead Entry(Caller caller, SensitiveRecord r, AccessPurpose why, Guid? grant, DateTimeOffset now) =>
        new(r.StudentId, r.SchoolId, r.CountyCode, caller.Subject, caller.Role.ToString(), r.Resource, r.ResourceId, why, grant, now);

    /// <summary>Who may change a child's care: the school's admins, the assigned counsellor, or a counsellor of the school
    /// while none is assigned.</summary>
    public static void AuthorizeCare(Caller caller, Guid schoolId, string countyCode, Child? child)
    {
        var allowed = caller.Role switch
        {
            Role.SchoolAdmin => caller.SchoolId == schoolId,
            Role.Counsellor => child?.Counsellor is not null ? IsAssignedCounsellor(caller, child) : caller.SchoolId == schoolId,
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

    /// <summary>403 for the school's people and the region's officers, who know the school keeps such records; 404 for
    /// everyone else, parents of other children included (another family's child is not theirs to learn of).</summary>
    public static Exception Refusal(Caller caller, Guid schoolId, string countyCode) =>
        caller.Role != Role.Parent && (caller.SchoolId == schoolId || caller.Covers(countyCode))
            ? new ForbiddenException("无知情必要或有效授权 / Need-to-know: only the assigned counsellor, the school's admins, or a holder of a valid grant.")
            : new NotFoundException("未找到 / Not found.");

    public static AccessPurpose RequirePurpose(AccessPurpose? purpose)
    {
        new Validation().Check(purpose is not null, "purpose",
            "读取须说明目的 (Care, Screening, SupportPlan, Referral, Crisis, Supervision) / Every read must state its purpose").ThrowIfInvalid();
        return purpose!.Value;
    }
}
