using JiaoLianTi.Platform.AlliancesReplica;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Wellbeing.Units;
using JiaoLianTi.Platform.PersonalData;
using JiaoLianTi.Wellbeing.Protection;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace JiaoLianTi.Wellbeing.Children;

public sealed record GuardianRequest(string? Name, string? Relation, string? Phone);

public sealed record RecordChildRequest(
    Guid? StudentId, Guid? SchoolId, string? Name, DateOnly? DateOfBirth, string? ClassName, GuardianRequest[]? Guardians,
    ConsentStatus? Consent, string? ConsentGivenBy, string? Counsellor);

public sealed record ConsentRequest(ConsentStatus? Status, string? Guardian);
public sealed record CareCategoryRequest(CareCategory? Category, CareSource? Source);
public sealed record CounsellorRequest(string? Counsellor);
/// <param name="Grantee">The grantee's token subject.</param>
/// <param name="GranteeSchoolId">The school the grantee works at (default: the child's).</param>
/// <param name="GranteeUnitId">Instead, the member unit the grantee is an officer of.</param>
public sealed record GrantRequest(string? Grantee, string? Reason, DateTimeOffset? Until, Guid? GranteeSchoolId = null, Guid? GranteeUnitId = null);
public sealed record ScreeningRequest(string? Instrument, int? Score, DateOnly? TakenOn);
public sealed record FollowUpRequest(DateOnly? On, string? Notes);
public sealed record ErasureRequest(ErasureReason? Reason);

/// <summary>What a list shows of a child: opaque id, tier and categories, never personal details.</summary>
public sealed record ChildSummary(
    Guid StudentId, Guid SchoolId, string CountyCode, Tier? Tier, IReadOnlyList<CareCategory> Categories, string? Counsellor,
    ConsentStatus? Consent, bool Erased, long Version, DateTimeOffset? NextFollowUpDue = null, string? SchoolName = null)
{
    public static ChildSummary Of(Child c) =>
        new(c.Id, c.SchoolId, c.CountyCode, c.Tier, c.Categories.Select(x => x.Category).ToArray(), c.Counsellor, c.Consent, c.Erased, c.Version);

    /// <summary>With the earliest follow-up due of its care categories.</summary>
    public static ChildSummary Of(Child c, IReadOnlyDictionary<CareCategory, TimeSpan> intervals) =>
        Of(c) with { NextFollowUpDue = FollowUpDue.Of(c, intervals, DateTimeOffset.MinValue).Select(f => (DateTimeOffset?)f.NextDueAt).Min() };
}

/// <summary>回访: a care category's last follow-up, the next one's due date, and whether it is past.</summary>
public sealed record FollowUpDue(CareCategory Category, DateTimeOffset LastFollowUp, DateTimeOffset NextDueAt, bool Overdue)
{
    public static IReadOnlyList<FollowUpDue> Of(Child c, IReadOnlyDictionary<CareCategory, TimeSpan> intervals, DateTimeOffset now) =>
        c.Erased ? [] : c.Categories.Select(x =>
        {
            var due = x.LastFollowUp + intervals[x.Category];
            return new FollowUpDue(x.Category, x.LastFollowUp, due, now > due);
        }).ToArray();
}

/// <summary>The full record, opened with the child's key; <see cref="Details"/> is null once erased.</summary>
public sealed record ChildView(
    Guid StudentId, Guid SchoolId, string CountyCode, PersonalDetails? Details, bool UnderFourteen, ConsentStatus? Consent,
    DateTimeOffset? ConsentAt, string? Counsellor, IReadOnlyList<CareEntry> Categories, IReadOnlyList<Grant> Grants,
    Tier? Tier, int? LastScore, DateTimeOffset? LastScreenedAt, bool Erased, ErasureReason? ErasedFor, DateTimeOffset? ErasedAt,
    Guid? ReadUnderGrant, long Version, IReadOnlyList<FollowUpDue>? FollowUps = null);

/// <summary>What a parent sees of their child's care record: whether it is kept with their consent.</summary>
public sealed record ChildConsent(Guid StudentId, bool UnderFourteen, ConsentStatus? Consent, DateTimeOffset? ConsentAt, bool Erased);

public static class ChildrenApi
{
    public static RouteGroupBuilder MapChildEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/wellbeing/children").WithTags("Children 学生档案");
        group.MapPost("/", Record).WithSummary("建档（须监护人同意） / Record a child (with a guardian's consent)");
        group.MapGet("/", List).WithSummary("学生列表（无个人信息） / Children, without personal details");
        group.MapGet("/{id:guid}", Get).WithSummary("学生档案（读取留痕） / A child's record (the read is recorded)");
        group.MapPost("/{id:guid}/consent", Consent).WithSummary("监护人同意、拒绝或撤回 / Guardian consent given, refused or withdrawn");
        group.MapGet("/{id:guid}/consent", ConsentOf).WithSummary("家长查看孩子档案的同意状态 / A parent reads the consent on their child's record");
        group.MapPost("/{id:guid}/care-categories", AssignCategory).WithSummary("登记关爱类别 / Assign a care category");
        group.MapPut("/{id:guid}/counsellor", AssignCounsellor).WithSummary("指定心理教师 / Assign the counsellor");
        group.MapPost("/{id:guid}/grants", Grant).WithSummary("临时授权 / Grant time-limited access, with a reason");
        group.MapDelete("/{id:guid}/grants/{grantId:guid}", Revoke).WithSummary("撤销授权 / Revoke a grant");
        group.MapPost("/{id:guid}/screenings", Screen).WithSummary("录入筛查结果 / Record one screening result");
        group.MapPost("/{id:guid}/follow-ups", FollowUp).WithSummary("回访 / Record a follow-up");
        group.MapPost("/{id:guid}/erasure", Erase).WithSummary("删除（加密销毁） / Erase the record (crypto-shredding)");
        return group;
    }

    private static async Task<Created<ChildSummary>> Record(
        RecordChildRequest request, HttpContext http, IDocumentSession session, IMasterKey master, ChildReactions reactions,
        TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        var schoolId = request.SchoolId ?? caller.SchoolId;
        var guardians = request.Guardians ?? [];
        var v = new Validation()
            .Required("schoolId", schoolId)
            .Required("name", request.Name).MaxLength("name", request.Name, 100)
            .Required("dateOfBirth", request.DateOfBirth)
            .Required("className", request.ClassName).MaxLength("className", request.ClassName, 50)
            .Check(guardians.Length is >= 1 and <= 4, "guardians", "须有 1 至 4 名监护人 / needs 1 to 4 guardians")
            .MaxLength("counsellor", request.Counsellor, 200)
            .Check(request.Consent != ConsentStatus.Given || !string.IsNullOrWhiteSpace(request.ConsentGivenBy), "consentGivenBy",
                "同意须注明监护人 / consent needs the guardian who gave it");
        for (var i = 0; i < guardians.Length; i++)
        {
            v.Required($"guardians[{i}].name", guardians[i].Name).MaxLength($"guardians[{i}].name", guardians[i].Name, 100)
             .Required($"guardians[{i}].relation", guardians[i].Relation).MaxLength($"guardians[{i}].relation", guardians[i].Relation, 20)
             .MaxLength($"guardians[{i}].phone", guardians[i].Phone, 20);
        }
        v.ThrowIfInvalid();
        if (caller.Role is not (Role.SchoolAdmin or Role.Counsellor) || caller.SchoolId != schoolId)
        {
            throw new ForbiddenException("只有本校管理员或心理教师可以建档 / Only the school's admins and counsellors record its children.");
        }
        var county = await UnitQueries.CountyOfSchoolAsync(session, schoolId!.Value, ct)
            ?? (caller.Region.Length == 6 ? caller.Region : throw new RuleViolation("school-unknown",
                "教联体目录中没有该学校 / The school is not (yet) known from Alliances."));

        var studentId = request.StudentId ?? Guid.CreateVersion7();
        var now = clock.GetUtcNow();
        var (key, stored) = PersonalDataVault.NewKey(master, studentId, studentId, now);
        var details = new PersonalDetails(request.Name!.Trim(), request.DateOfBirth!.Value, request.ClassName!.Trim(),
            guardians.Select(g => new Guardian(g.Name!.Trim(), g.Relation!.Trim(), g.Phone)).ToArray());
        var command = new RecordChild(studentId, schoolId.Value, county, PersonalDataVault.Seal(key, studentId, details),
            request.DateOfBirth.Value, request.Consent, PersonalDataVault.SealText(key, studentId, request.ConsentGivenBy?.Trim()),
            caller.Subject, now);

        var existing = await session.Events.FetchStreamStateAsync(studentId, ct);
        var events = ChildDecider.Decide(command, existing is null ? null : await session.LoadAsync<Child>(studentId, ct));
        var all = events.ToList();
        if (!string.IsNullOrWhiteSpace(request.Counsellor))
        {
            all.Add(new CounsellorAssigned(studentId, request.Counsellor.Trim(), caller.Subject, now, caller.Issuer));
        }
        session.Store(stored);
        // A support proposal that waited for this record (with consent) is proposed in the same transaction.
        await reactions.StageAsync(Child.Create((ChildRecorded)all[0]), all, ct);
        return await session.Start<Child, ChildSummary>(http, studentId, all, $"/api/wellbeing/children/{studentId}", ChildSummary.Of, ct);
    }

    private static async Task<Ok<Page<ChildSummary>>> List(
        HttpContext http, IQuerySession session, Guid? schoolId, Tier? tier, CareCategory? category, int? page, int? pageSize,
        IOptions<WellbeingOptions> options, CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        IQueryable<Child> query = session.Query<Child>();
        query = caller.Role switch
        {
            Role.SchoolAdmin => query.Where(c => c.SchoolId == caller.SchoolId),
            Role.Counsellor => query.Where(c => c.Counsellor == caller.Subject && c.SchoolId == caller.SchoolId),
            _ => throw new ForbiddenException("学生名单仅限本校管理员与心理教师 / Only the school's admins and counsellors list children."),
        };
        if (schoolId is { } s) query = query.Where(c => c.SchoolId == s);
        if (tier is { } t) query = query.Where(c => c.Tier == t);
        if (category is { } k) query = query.Where(c => c.Categories.Any(x => x.Category == k));
        var children = await query.OrderBy(c => c.Id).ToPageAsync(paging, ct);
        var intervals = options.Value.FollowUpIntervals();
        var names = await session.NamesAsync(children.Items.Select(c => (Guid?)c.SchoolId), ct);
        return TypedResults.Ok(children.Map(c => ChildSummary.Of(c, intervals) with { SchoolName = names.GetValueOrDefault(c.SchoolId) }));
    }

    private static async Task<Results<Ok<ChildView>, StatusCodeHttpResult>> Get(
        Guid id, AccessPurpose? purpose, HttpContext http, IDocumentSession session, IMasterKey master, IOptions<WellbeingOptions> options,
        TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        Access.RequirePurpose(purpose);
        var child = await session.LoadAsync<Child>(id, ct) ?? throw new NotFoundException("未找到 / Not found.");
        var now = clock.GetUtcNow();
        // The read (or the refused attempt) is on record before a byte of the record is answered.
        var (_, grant) = await Access.ReadAsync(session, caller, purpose,
            new SensitiveRecord(id, child.SchoolId, child.CountyCode, ReadResource.ChildRecord, id), child, now, ct);
        if (http.IsNotModified(child.Version))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        var key = await PersonalDataVault.LoadKeyAsync(session, master, id, ct);
        http.SetETag(child.Version);
        return TypedResults.Ok(new ChildView(child.Id, child.SchoolId, child.CountyCode, PersonalDataVault.Open<PersonalDetails>(key, child.Details),
            child.UnderFourteen, child.Consent, child.ConsentAt, child.Counsellor, child.Categories, child.Grants, child.Tier,
            child.LastScore, child.LastScreenedAt, child.Erased, child.ErasedFor, child.ErasedAt, grant, child.Version,
            FollowUpDue.Of(child, options.Value.FollowUpIntervals(), now)));
    }

    /// <summary>The parent of the child only (家长端 同意与撤回): the consent's status and when, nothing of the record.</summary>
    private static async Task<Results<Ok<ChildConsent>, StatusCodeHttpResult>> ConsentOf(Guid id, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        var child = http.Caller().IsParentOf(id) ? await session.LoadAsync<Child>(id, ct) : null;
        if (child is null) throw new NotFoundException("未找到 / Not found.");
        return http.Versioned(new ChildConsent(child.Id, child.UnderFourteen, child.Consent, child.ConsentAt, child.Erased), child.Version);
    }

    private static async Task<Ok<ChildSummary>> Consent(
        Guid id, ConsentRequest request, HttpContext http, IDocumentSession session, IMasterKey master, ChildReactions reactions,
        TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation().Required("status", request.Status)
            .Required("guardian", request.Guardian).MaxLength("guardian", request.Guardian, 100).ThrowIfInvalid();
        var key = await PersonalDataVault.LoadKeyAsync(session, master, id, ct);
        var now = clock.GetUtcNow();
        return await session.Change<Child, ChildSummary>(http, id, child =>
        {
            // A parent may give or withdraw consent for their own child; the school's carers record what guardians said.
            if (!caller.IsParentOf(id))
            {
                Access.AuthorizeCare(caller, child.SchoolId, child.CountyCode, child);
            }
        },
            child => ChildDecider.Decide(new RecordConsent(id, request.Status!.Value,
                key is null ? null : PersonalDataVault.SealText(key, id, request.Guardian!.Trim()), caller.Subject, now), child),
            ChildSummary.Of, ct, reactions.Stage(ct));
    }

    private static Task<Ok<ChildSummary>> AssignCategory(
        Guid id, CareCategoryRequest request, HttpContext http, IDocumentSession session, ChildReactions reactions, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation().Required("category", request.Category).Required("source", request.Source).ThrowIfInvalid();
        return session.Change<Child, ChildSummary>(http, id, Carer(caller),
            child => ChildDecider.Decide(new AssignCareCategory(id, request.Category!.Value, request.Source!.Value, caller.Subject, clock.GetUtcNow()), child),
            ChildSummary.Of, ct, reactions.Stage(ct));
    }

    private static Task<Ok<ChildSummary>> AssignCounsellor(
        Guid id, CounsellorRequest request, HttpContext http, IDocumentSession session, ChildReactions reactions, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation().Required("counsellor", request.Counsellor).MaxLength("counsellor", request.Counsellor, 200).ThrowIfInvalid();
        return session.Change<Child, ChildSummary>(http, id, SchoolAdmin(caller),
            child => ChildDecider.Decide(new AssignCounsellor(id, request.Counsellor!.Trim(), caller.Subject, clock.GetUtcNow(), caller.Issuer), child),
            ChildSummary.Of, ct, reactions.Stage(ct));
    }

    private static async Task<Created<Grant>> Grant(
        Guid id, GrantRequest request, HttpContext http, IDocumentSession session, IMasterKey master, ChildReactions reactions,
        TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation()
            .Required("grantee", request.Grantee).MaxLength("grantee", request.Grantee, 200)
            .Required("reason", request.Reason).MaxLength("reason", request.Reason, 500)
            .Required("until", request.Until)
            .Check(request.GranteeSchoolId is null || request.GranteeUnitId is null, "granteeUnitId",
                "授权给学校人员或成员单位人员，二者择一 / a grant is to a school's staff or to a unit's officer, not both")
            .ThrowIfInvalid();
        var key = await PersonalDataVault.LoadKeyAsync(session, master, id, ct);
        var grantId = Guid.CreateVersion7();
        var now = clock.GetUtcNow();
        var answer = await session.Change<Child, Grant>(http, id, SchoolAdmin(caller),
            child =>
            {
                if (key is null)
                {
                    throw new RuleViolation("erased", "该档案已被删除 / The record was erased.");
                }
                return ChildDecider.Decide(new GrantAccess(id, grantId, request.Grantee!.Trim(), PersonalDataVault.Seal(key, id, request.Reason!.Trim()),
                    request.Until!.Value, caller.Subject, now, request.GranteeSchoolId, request.GranteeUnitId, caller.Issuer), child);
            }, child => child.Grants.Single(g => g.GrantId == grantId), ct, reactions.Stage(ct));
        return TypedResults.Created($"/api/wellbeing/children/{id}/grants/{grantId}", answer.Value);
    }

    private static Task<Ok<ChildSummary>> Revoke(
        Guid id, Guid grantId, HttpContext http, IDocumentSession session, ChildReactions reactions, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        return session.Change<Child, ChildSummary>(http, id, SchoolAdmin(caller),
            child => ChildDecider.Decide(new RevokeAccess(id, grantId, caller.Subject, clock.GetUtcNow()), child),
            ChildSummary.Of, ct, reactions.Stage(ct));
    }

    private static Task<Ok<ChildSummary>> Screen(
        Guid id, ScreeningRequest request, HttpContext http, IDocumentSession session, ChildReactions reactions,
        IOptions<WellbeingOptions> options, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        var now = clock.GetUtcNow();
        new Validation()
            .Required("score", request.Score)
            .Check(request.Score is null or (>= 0 and <= 200), "score", "须在 0 到 200 之间 / must be between 0 and 200")
            .Required("takenOn", request.TakenOn)
            .Check(request.TakenOn is null || request.TakenOn <= ChinaDays.Of(now), "takenOn", "不能晚于今天 / cannot be in the future")
            .MaxLength("instrument", request.Instrument, 50).ThrowIfInvalid();
        var tier = options.Value.Tiers.TierOf(request.Score!.Value);
        return session.Change<Child, ChildSummary>(http, id, Carer(caller),
            child => ChildDecider.Decide(new RecordScreening(id, null, request.Instrument?.Trim() ?? "MHT", request.Score!.Value, tier,
                request.TakenOn!.Value, caller.Subject, now), child),
            ChildSummary.Of, ct, reactions.Stage(ct));
    }

    private static async Task<Ok<ChildSummary>> FollowUp(
        Guid id, FollowUpRequest request, HttpContext http, IDocumentSession session, IMasterKey master, ChildReactions reactions,
        TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        var now = clock.GetUtcNow();
        new Validation().Required("on", request.On)
            .Check(request.On is null || request.On <= ChinaDays.Of(now), "on", "不能晚于今天 / cannot be in the future")
            .MaxLength("notes", request.Notes, 2000).ThrowIfInvalid();
        var key = await PersonalDataVault.LoadKeyAsync(session, master, id, ct);
        return await session.Change<Child, ChildSummary>(http, id, Carer(caller),
            child => ChildDecider.Decide(new RecordFollowUp(id, request.On!.Value,
                key is null ? null : PersonalDataVault.SealText(key, id, request.Notes), caller.Subject, now), child),
            ChildSummary.Of, ct, reactions.Stage(ct));
    }

    private static Task<Ok<ChildSummary>> Erase(
        Guid id, ErasureRequest request, HttpContext http, IDocumentSession session, ChildReactions reactions, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation().Required("reason", request.Reason)
            .Check(request.Reason is null or ErasureReason.PurposeEnded or ErasureReason.ConsentWithdrawn, "reason",
                "须为 PurposeEnded 或 ConsentWithdrawn / must be PurposeEnded or ConsentWithdrawn").ThrowIfInvalid();
        return session.Change<Child, ChildSummary>(http, id, SchoolAdmin(caller),
            child => ChildDecider.Decide(new EraseChild(id, request.Reason!.Value, caller.Subject, clock.GetUtcNow()), child),
            ChildSummary.Of, ct, reactions.Stage(ct));
    }

    /// <summary>The authorise step of most changes: the child's carers (school staff with a care role, or a grant).</summary>
    private static Action<Child> Carer(Caller caller) => child => Access.AuthorizeCare(caller, child.SchoolId, child.CountyCode, child);

    /// <summary>The authorise step of the changes only the school's admins make.</summary>
    private static Action<Child> SchoolAdmin(Caller caller) => child => Access.AuthorizeSchoolAdmin(caller, child.SchoolId, child.CountyCode);
}
