using JiaoLianTi.Platform.AlliancesReplica;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Wellbeing.Children;
using JiaoLianTi.Wellbeing.Units;
using JiaoLianTi.Platform.PersonalData;
using JiaoLianTi.Wellbeing.Protection;
using Marten;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.Wellbeing.Referrals;

public sealed record MakeReferralRequest(Guid? StudentId, Guid? UnitId, Urgency? Urgency, string? Reason);
public sealed record SeenRequest(DateOnly? SeenOn);
public sealed record ReturnRequest(DateOnly? ReturnOn, string? ReEntryPlan);

/// <param name="Steps">Each step's deadline, when it was done, and whether it is overdue (in lists and reads).</param>
public sealed record ReferralSummary(Guid ReferralId, Guid StudentId, Guid SchoolId, Guid UnitId, Urgency Urgency, ReferralStatus Status,
    IReadOnlyList<ReferralStep> Overdue, DateTimeOffset MadeAt, long Version, IReadOnlyList<ReferralStepView>? Steps = null,
    string? SchoolName = null, string? UnitName = null)
{
    public static ReferralSummary Of(Referral r) => new(r.Id, r.StudentId, r.SchoolId, r.UnitId, r.Urgency, r.Status, r.Overdue, r.MadeAt, r.Version);

    public static ReferralSummary Of(Referral r, ReferralSla sla, DateTimeOffset now) => Of(r) with { Steps = r.Steps(sla, now) };
}

public sealed record ReferralView(Guid ReferralId, Guid StudentId, Guid SchoolId, string CountyCode, Guid UnitId, Urgency Urgency,
    string? Reason, ReferralStatus Status, DateTimeOffset MadeAt, DateTimeOffset? AcceptedAt, DateOnly? SeenOn, DateOnly? ReturnOn,
    string? ReEntryPlan, IReadOnlyList<ReferralStep> Overdue, bool Erased, long Version, IReadOnlyList<ReferralStepView>? Steps = null,
    DateTimeOffset? ContactGrantUntil = null);

/// <summary>
/// What the receiving unit may read to reach the child's guardian, and nothing more: the child's name and date of
/// birth (to identify the child on arrival), the guardians' names, relations and phones. Null fields once erased.
/// </summary>
public sealed record ReferralContact(Guid ReferralId, Guid StudentId, string? ChildName, DateOnly? DateOfBirth,
    IReadOnlyList<Guardian> Guardians, Guid GrantId, DateTimeOffset GrantUntil);

public static class ReferralsApi
{
    public static RouteGroupBuilder MapReferralEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/wellbeing/referrals").WithTags("Referrals 医教互促转介");
        group.MapPost("/", Make).WithSummary("转介至教联体医疗成员单位 / Refer to a medical member of the school's alliance");
        group.MapGet("/", List).WithSummary("转介列表 / Referrals of the school, or to the caller's unit");
        group.MapGet("/{id:guid}", Get).WithSummary("转介详情（读取留痕） / A referral (the read is recorded)");
        group.MapGet("/{id:guid}/contact", Contact)
            .WithSummary("接收单位读取监护人联系方式（限本转介、限时、读取留痕） / The receiving unit reads the guardian's contact (this referral only, time-limited, every read recorded)");
        group.AddEndpointFilter(async (context, next) =>
        {
            // A department officer changes no referral: 403 for one of their department's, 404 for any other.
            var http = context.HttpContext;
            if (!HttpMethods.IsGet(http.Request.Method) && Guid.TryParse(http.Request.RouteValues["id"]?.ToString(), out var id)
                && http.Caller() is { Role: Role.DepartmentOfficer } caller)
            {
                var session = http.RequestServices.GetRequiredService<IQuerySession>();
                var referral = await session.LoadAsync<Referral>(id, http.RequestAborted) ?? throw new NotFoundException("未找到 / Not found.");
                await RefuseDepartmentOfficer(caller, referral, session, http.RequestAborted);
            }
            return await next(context);
        });
        group.MapPost("/{id:guid}/accept", Accept).WithSummary("医疗机构接收 / The unit accepts");
        group.MapPost("/{id:guid}/seen", Seen).WithSummary("已就诊 / The child was seen");
        group.MapPost("/{id:guid}/return", Return).WithSummary("复学（附复学计划） / Returned to school, with the re-entry plan");
        return group;
    }

    private static async Task<Created<ReferralSummary>> Make(
        MakeReferralRequest request, HttpContext http, IDocumentSession session, IMasterKey master, IOptions<WellbeingOptions> options,
        TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation().Required("studentId", request.StudentId).Required("unitId", request.UnitId).Required("urgency", request.Urgency)
            .Required("reason", request.Reason).MaxLength("reason", request.Reason, 2000).ThrowIfInvalid();
        var child = await session.LoadAsync<Child>(request.StudentId!.Value, ct);
        if (child is null)
        {
            throw new NotFoundException("未找到学生档案 / No record of this child.");
        }
        Access.AuthorizeCare(caller, child.SchoolId, child.CountyCode, child);
        if (child.Erased)
        {
            throw new RuleViolation("erased", "该档案已被删除 / The record was erased.");
        }
        var isMedicalMember = await UnitQueries.IsMedicalMemberOfSchoolsAllianceAsync(session, child.SchoolId, request.UnitId!.Value, ct);
        var id = Guid.CreateVersion7();
        var now = clock.GetUtcNow();
        var (key, stored) = PersonalDataVault.NewKey(master, id, child.Id, now);
        var events = ReferralDecider.Decide(new MakeReferral(id, child.Id, child.SchoolId, child.CountyCode, request.UnitId.Value,
            request.Urgency!.Value, PersonalDataVault.Seal(key, id, request.Reason!.Trim()), isMedicalMember, caller.Subject, now,
            options.Value.Referrals.ContactFor, Guid.CreateVersion7()));
        session.Store(stored);
        var created = await session.Start<Referral, ReferralSummary>(http, id, events, $"/api/wellbeing/referrals/{id}",
            r => ReferralSummary.Of(r, options.Value.Referrals, now), ct);
        return TypedResults.Created(created.Location, await Named(created.Value!, session, ct));
    }

    private static async Task<Ok<Page<ReferralSummary>>> List(
        HttpContext http, IQuerySession session, ReferralStatus? status, int? page, int? pageSize, IOptions<WellbeingOptions> options,
        TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        IQueryable<Referral> query = session.Query<Referral>();
        query = caller.Role switch
        {
            Role.SchoolAdmin or Role.Counsellor when caller.SchoolId is not null => query.Where(r => r.SchoolId == caller.SchoolId),
            Role.MemberOfficer when caller.MemberUnitId is not null => query.Where(r => r.UnitId == caller.MemberUnitId),
            Role.DepartmentOfficer => await ToDepartment(query),
            _ => throw new ForbiddenException("仅限本校或接收单位 / Only the school, or the unit referred to."),
        };
        if (status is { } s) query = query.Where(r => r.Status == s);
        var referrals = await query.OrderByDescending(r => r.MadeAt).ToPageAsync(paging, ct);
        // 卫健: the referrals to the department's hospitals and centres in the region, their status and steps only (the
        // reason, the re-entry plan and the contact stay with the school and the unit referred to).
        async Task<IQueryable<Referral>> ToDepartment(IQueryable<Referral> referrals)
        {
            var units = await DepartmentScope.UnitsAsync(session, caller, ct);
            var region = caller.Region;
            return referrals.Where(r => r.CountyCode.StartsWith(region) && units.Contains(r.UnitId));
        }
        var now = clock.GetUtcNow();
        var names = await session.NamesAsync(referrals.Items.SelectMany(r => new Guid?[] { r.SchoolId, r.UnitId }), ct);
        return TypedResults.Ok(referrals.Map(r => ReferralSummary.Of(r, options.Value.Referrals, now) with
        {
            SchoolName = names.GetValueOrDefault(r.SchoolId), UnitName = names.GetValueOrDefault(r.UnitId),
        }));
    }

    private static async Task<Results<Ok<ReferralView>, StatusCodeHttpResult>> Get(
        Guid id, AccessPurpose? purpose, HttpContext http, IDocumentSession session, IMasterKey master, IOptions<WellbeingOptions> options,
        TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        Access.RequirePurpose(purpose);
        var referral = await session.LoadAsync<Referral>(id, ct) ?? throw new NotFoundException("未找到 / Not found.");
        var department = await DepartmentRefusalAsync(caller, referral, session, ct);
        var child = await session.LoadAsync<Child>(referral.StudentId, ct);
        var now = clock.GetUtcNow();
        var isParty = caller.Role == Role.MemberOfficer && caller.MemberUnitId == referral.UnitId;
        // A department officer's refused read is an attempt on record like anyone else's.
        var (_, grant) = await Access.ReadAsync(session, caller, purpose, Record(referral, ReadResource.Referral), now,
            () => department is null ? Access.Authorize(caller, referral.SchoolId, referral.CountyCode, child, now, isParty) : throw department, ct);
        if (http.IsNotModified(referral.Version))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        var key = await PersonalDataVault.LoadKeyAsync(session, master, id, ct);
        http.SetETag(referral.Version);
        return TypedResults.Ok(new ReferralView(referral.Id, referral.StudentId, referral.SchoolId, referral.CountyCode, referral.UnitId,
            referral.Urgency, PersonalDataVault.Open<string>(key, referral.Reason), referral.Status, referral.MadeAt, referral.AcceptedAt,
            referral.SeenOn, referral.ReturnOn, PersonalDataVault.Open<string>(key, referral.ReEntryPlan), referral.Overdue,
            referral.Erased || key is null, referral.Version, referral.Steps(options.Value.Referrals, now), referral.Contact?.Until));
    }

    /// <summary>
    /// The receiving unit's officer reads the guardian's contact under the referral's grant: only for this referral,
    /// only until the grant ends (or the child returns), and the read is recorded with the grant before it is answered.
    /// </summary>
    private static async Task<Ok<ReferralContact>> Contact(
        Guid id, AccessPurpose? purpose, HttpContext http, IDocumentSession session, IMasterKey master, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        Access.RequirePurpose(purpose);
        var referral = await session.LoadAsync<Referral>(id, ct) ?? throw new NotFoundException("未找到 / Not found.");
        var now = clock.GetUtcNow();
        ContactGrant? grant = null;
        await Access.ReadAsync(session, caller, purpose, Record(referral, ReadResource.ReferralContact), now, () =>
        {
            if (caller.Role != Role.MemberOfficer || caller.MemberUnitId != referral.UnitId)
            {
                throw Access.Refusal(caller, referral.SchoolId, referral.CountyCode);
            }
            grant = referral.ActiveContact(referral.UnitId, now) ?? throw new ForbiddenException(
                "联系方式授权已结束（到期或已复学） / The grant to the guardian's contact has ended (expired, or the child returned).");
            return grant.GrantId;
        }, ct);
        var child = await session.LoadAsync<Child>(referral.StudentId, ct);
        var key = await PersonalDataVault.LoadKeyAsync(session, master, referral.StudentId, ct);
        var details = child?.Details is null ? null : PersonalDataVault.Open<PersonalDetails>(key, child.Details);
        return TypedResults.Ok(new ReferralContact(id, referral.StudentId, details?.Name, details?.DateOfBirth,
            details?.Guardians ?? [], grant!.GrantId, grant.Until));
    }

    private static async Task<Ok<ReferralSummary>> Accept(Guid id, HttpContext http, IDocumentSession session, IOptions<WellbeingOptions> options,
        TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        return await Named(session.Change<Referral, ReferralSummary>(http, id, r => UnitOf(caller, r),
            r => ReferralDecider.Decide(new AcceptReferral(id, UnitOf(caller, r), caller.Subject, clock.GetUtcNow()), r),
            r => ReferralSummary.Of(r, options.Value.Referrals, clock.GetUtcNow()), ct), session, ct);
    }

    private static async Task<Ok<ReferralSummary>> Seen(Guid id, SeenRequest request, HttpContext http, IDocumentSession session,
        IOptions<WellbeingOptions> options, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation().Required("seenOn", request.SeenOn).ThrowIfInvalid();
        return await Named(session.Change<Referral, ReferralSummary>(http, id, r => UnitOf(caller, r),
            r => ReferralDecider.Decide(new RecordSeen(id, UnitOf(caller, r), request.SeenOn!.Value, caller.Subject, clock.GetUtcNow()), r),
            r => ReferralSummary.Of(r, options.Value.Referrals, clock.GetUtcNow()), ct), session, ct);
    }

    private static async Task<Ok<ReferralSummary>> Return(
        Guid id, ReturnRequest request, HttpContext http, IDocumentSession session, IMasterKey master, IOptions<WellbeingOptions> options,
        TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation().Required("returnOn", request.ReturnOn)
            .Required("reEntryPlan", request.ReEntryPlan).MaxLength("reEntryPlan", request.ReEntryPlan, 4000).ThrowIfInvalid();
        var key = await PersonalDataVault.LoadKeyAsync(session, master, id, ct);
        var current = await session.LoadAsync<Referral>(id, ct) ?? throw new NotFoundException("未找到 / Not found.");
        var child = await session.LoadAsync<Child>(current.StudentId, ct);
        return await Named(session.Change<Referral, ReferralSummary>(http, id, r => Access.AuthorizeCare(caller, r.SchoolId, r.CountyCode, child), r =>
        {
            if (key is null)
            {
                throw new RuleViolation("erased", "该转介已被删除 / The referral was erased.");
            }
            return ReferralDecider.Decide(new ReturnToSchool(id, request.ReturnOn!.Value, PersonalDataVault.Seal(key, id, request.ReEntryPlan!.Trim()),
                caller.Subject, clock.GetUtcNow()), r);
        }, r => ReferralSummary.Of(r, options.Value.Referrals, clock.GetUtcNow()), ct), session, ct);
    }

    /// <summary>A command's answer names the school and the unit, as the list does (the screens show names, not ids).</summary>
    private static async Task<ReferralSummary> Named(ReferralSummary summary, IQuerySession session, CancellationToken ct)
    {
        var names = await session.NamesAsync([summary.SchoolId, summary.UnitId], ct);
        return summary with { SchoolName = names.GetValueOrDefault(summary.SchoolId), UnitName = names.GetValueOrDefault(summary.UnitId) };
    }

    private static async Task<Ok<ReferralSummary>> Named(Task<Ok<ReferralSummary>> change, IQuerySession session, CancellationToken ct)
        => TypedResults.Ok(await Named((await change).Value!, session, ct));

    private static SensitiveRecord Record(Referral r, ReadResource resource) => new(r.StudentId, r.SchoolId, r.CountyCode, resource, r.Id);

    /// <summary>
    /// A department officer sees a referral to their department's unit in their region in the list, and no more: its
    /// content is need-to-know (403); any other referral is hidden from them (404).
    /// </summary>
    private static async Task RefuseDepartmentOfficer(Caller caller, Referral referral, IQuerySession session, CancellationToken ct)
    {
        if (await DepartmentRefusalAsync(caller, referral, session, ct) is { } refusal)
        {
            throw refusal;
        }
    }

    /// <summary>The refusal <see cref="RefuseDepartmentOfficer"/> throws, or null for anyone who is not a department officer.</summary>
    private static async Task<Exception?> DepartmentRefusalAsync(Caller caller, Referral referral, IQuerySession session, CancellationToken ct) =>
        caller.Role != Role.DepartmentOfficer ? null
        : await DepartmentScope.ConcernsUnitAsync(session, caller, referral.UnitId, referral.CountyCode, ct)
            ? new ForbiddenException("部门只看转介状态，不读内容 / A department sees a referral's status in the list, not its content.")
            : new NotFoundException("未找到 / Not found.");

    /// <summary>Only an officer of the unit referred to acts for it; anyone else does not see the referral.</summary>
    private static Guid UnitOf(Caller caller, Referral r)
    {
        if (caller.Role != Role.MemberOfficer || caller.MemberUnitId != r.UnitId)
        {
            throw Access.Refusal(caller, r.SchoolId, r.CountyCode);
        }
        return r.UnitId;
    }
}
