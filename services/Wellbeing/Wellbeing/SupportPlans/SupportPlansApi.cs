using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Wellbeing.Children;
using JiaoLianTi.Wellbeing.Units;
using JiaoLianTi.Platform.PersonalData;
using JiaoLianTi.Wellbeing.Protection;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.Wellbeing.SupportPlans;

public sealed record OpenPlanRequest(Guid? StudentId, Guid? SchoolId, string? SchoolParty, string? FamilyParty, Guid? CommunityUnitId, string[]? Goals);
public sealed record MeasureRequest(string? Description, Party? Owner, DateOnly? DueOn);
public sealed record ReviewRequest(DateOnly? ReviewedOn, string? Notes);
public sealed record ClosePlanRequest(PlanOutcome? Outcome, string? Notes);

public sealed record PlanSummary(Guid PlanId, Guid StudentId, Guid SchoolId, string CountyCode, PlanStatus Status, string? Reason,
    Guid? CommunityUnitId, DateTimeOffset CreatedAt, DateTimeOffset? OpenedAt, DateTimeOffset? ClosedAt, PlanOutcome? Outcome, long Version)
{
    public static PlanSummary Of(SupportPlan p) =>
        new(p.Id, p.StudentId, p.SchoolId, p.CountyCode, p.Status, p.Reason, p.CommunityUnitId, p.CreatedAt, p.OpenedAt, p.ClosedAt, p.Outcome, p.Version);
}

public sealed record MeasureView(Guid MeasureId, string? Description, Party Owner, DateOnly DueOn);
public sealed record ReviewView(DateOnly ReviewedOn, string? Notes, string By);

/// <summary>A plan opened with its key; the sealed fields are null once erased.</summary>
public sealed record PlanView(
    Guid PlanId, Guid StudentId, Guid SchoolId, string CountyCode, PlanStatus Status, string? Reason, string? SchoolParty,
    string? FamilyParty, Guid? CommunityUnitId, IReadOnlyList<string>? Goals, IReadOnlyList<MeasureView> Measures,
    IReadOnlyList<ReviewView> Reviews, PlanOutcome? Outcome, string? ClosingNotes, DateTimeOffset? OpenedAt, DateTimeOffset? ClosedAt,
    bool Erased, long Version);

public static class SupportPlansApi
{
    public static RouteGroupBuilder MapSupportPlanEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/wellbeing/plans").WithTags("SupportPlans 三方联动帮扶档案");
        group.MapPost("/", Open).WithSummary("建立帮扶档案 / Open a support plan");
        group.MapPost("/{id:guid}/open", OpenProposed).WithSummary("采纳帮扶提议 / Open a proposed plan");
        group.MapGet("/", List).WithSummary("帮扶档案列表 / Plans of the school");
        group.MapGet("/{id:guid}", Get).WithSummary("帮扶档案（读取留痕） / A plan (the read is recorded)");
        group.MapPost("/{id:guid}/measures", AddMeasure).WithSummary("添加措施 / Add a measure");
        group.MapPost("/{id:guid}/review", StartReview).WithSummary("进入评估 / Put the plan under review");
        group.MapPost("/{id:guid}/reviews", RecordReview).WithSummary("记录评估 / Record a review");
        group.MapPost("/{id:guid}/close", Close).WithSummary("结案 / Close the plan");
        return group;
    }

    private static async Task<Created<PlanSummary>> Open(
        OpenPlanRequest request, HttpContext http, IDocumentSession session, IMasterKey master, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        Validate(request, requireStudent: true);
        var child = await session.LoadAsync<Child>(request.StudentId!.Value, ct);
        var schoolId = child?.SchoolId ?? request.SchoolId ?? caller.SchoolId ?? Guid.Empty;
        var county = child?.CountyCode ?? await UnitQueries.CountyOfSchoolAsync(session, schoolId, ct) ?? caller.Region;
        Access.AuthorizeCare(caller, schoolId, county, child);
        if (child?.Erased == true)
        {
            throw new RuleViolation("erased", "该学生的档案已被删除 / The child's record was erased.");
        }
        var planId = Guid.CreateVersion7();
        var events = await OpenEvents(session, master, request, planId, request.StudentId.Value, schoolId, county, caller, clock.GetUtcNow(), null,
            child?.HasConsent == true, ct);
        return await session.Start<SupportPlan, PlanSummary>(http, planId, events, $"/api/wellbeing/plans/{planId}", PlanSummary.Of, ct);
    }

    private static async Task<Ok<PlanSummary>> OpenProposed(
        Guid id, OpenPlanRequest request, HttpContext http, IDocumentSession session, IMasterKey master, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        Validate(request, requireStudent: false);
        var proposed = await session.LoadAsync<SupportPlan>(id, ct) ?? throw new NotFoundException("未找到 / Not found.");
        var child = await session.LoadAsync<Child>(proposed.StudentId, ct);
        return await session.Change<SupportPlan, PlanSummary>(http, id,
            plan => Access.AuthorizeCare(caller, plan.SchoolId, plan.CountyCode, child),
            plan => OpenEvents(session, master, request, id, plan.StudentId, plan.SchoolId, plan.CountyCode, caller, clock.GetUtcNow(), plan,
                child?.HasConsent == true, ct),
            PlanSummary.Of, ct);
    }

    private static void Validate(OpenPlanRequest r, bool requireStudent)
    {
        var goals = r.Goals ?? [];
        var v = new Validation()
            .Check(!requireStudent || r.StudentId is not null, "studentId", "必填 / is required")
            .Required("schoolParty", r.SchoolParty).MaxLength("schoolParty", r.SchoolParty, 200)
            .Required("familyParty", r.FamilyParty).MaxLength("familyParty", r.FamilyParty, 100)
            .Required("communityUnitId", r.CommunityUnitId)
            .Check(goals.Length is >= 1 and <= 20, "goals", "须有 1 至 20 个目标 / needs 1 to 20 goals");
        for (var i = 0; i < goals.Length; i++)
        {
            v.Required($"goals[{i}]", goals[i]).MaxLength($"goals[{i}]", goals[i], 500);
        }
        v.ThrowIfInvalid();
    }

    private static async Task<IReadOnlyList<object>> OpenEvents(
        IDocumentSession session, IMasterKey master, OpenPlanRequest r, Guid planId, Guid studentId, Guid schoolId, string county,
        Caller caller, DateTimeOffset now, SupportPlan? state, bool childRecordedWithConsent, CancellationToken ct)
    {
        if (!await UnitQueries.IsMemberOfSchoolsAllianceAsync(session, schoolId, r.CommunityUnitId!.Value, ct))
        {
            throw new RuleViolation("unit-not-member", "社区或医疗方须为本校所在教联体的成员单位 / The community or medical party must be a member unit of the school's alliance.");
        }
        // The plan's own key, a key of this child: erasing the child erases it too.
        var (key, stored) = PersonalDataVault.NewKey(master, planId, studentId, now);
        var events = SupportPlanDecider.Decide(new OpenPlan(planId, studentId, schoolId, county, r.SchoolParty!.Trim(),
            PersonalDataVault.Seal(key, planId, r.FamilyParty!.Trim()), r.CommunityUnitId.Value, PersonalDataVault.Seal(key, planId, r.Goals!.Select(g => g.Trim()).ToArray()),
            caller.Subject, now, childRecordedWithConsent), state);
        session.Store(stored);
        return events;
    }

    private static async Task<Ok<Page<PlanSummary>>> List(
        HttpContext http, IQuerySession session, PlanStatus? status, Guid? studentId, int? page, int? pageSize, CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        IQueryable<SupportPlan> query = session.Query<SupportPlan>();
        query = caller.Role switch
        {
            Role.SchoolAdmin or Role.Counsellor when caller.SchoolId is not null => query.Where(p => p.SchoolId == caller.SchoolId),
            _ => throw new ForbiddenException("仅限本校管理员与心理教师 / Only the school's admins and counsellors."),
        };
        if (status is { } s) query = query.Where(p => p.Status == s);
        if (studentId is { } id) query = query.Where(p => p.StudentId == id);
        var plans = await query.OrderByDescending(p => p.CreatedAt).ToPageAsync(paging, ct);
        return TypedResults.Ok(plans.Map(PlanSummary.Of));
    }

    private static async Task<Results<Ok<PlanView>, StatusCodeHttpResult>> Get(
        Guid id, AccessPurpose? purpose, HttpContext http, IDocumentSession session, IMasterKey master, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        Access.RequirePurpose(purpose);
        var plan = await session.LoadAsync<SupportPlan>(id, ct) ?? throw new NotFoundException("未找到 / Not found.");
        var child = await session.LoadAsync<Child>(plan.StudentId, ct);
        var isParty = IsSchoolParty(caller, plan)
            || (caller.Role == Role.MemberOfficer && caller.MemberUnitId == plan.CommunityUnitId && plan.CommunityUnitId is not null);
        await Access.ReadAsync(session, caller, purpose,
            new SensitiveRecord(plan.StudentId, plan.SchoolId, plan.CountyCode, ReadResource.SupportPlan, id), child, clock.GetUtcNow(), ct, isParty);
        if (http.IsNotModified(plan.Version))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        var key = await PersonalDataVault.LoadKeyAsync(session, master, id, ct);
        http.SetETag(plan.Version);
        return TypedResults.Ok(new PlanView(plan.Id, plan.StudentId, plan.SchoolId, plan.CountyCode, plan.Status, plan.Reason, plan.SchoolParty,
            PersonalDataVault.Open<string>(key, plan.FamilyParty), plan.CommunityUnitId, PersonalDataVault.Open<string[]>(key, plan.Goals),
            plan.Measures.Select(m => new MeasureView(m.MeasureId, PersonalDataVault.Open<string>(key, m.Description), m.Owner, m.DueOn)).ToArray(),
            plan.Reviews.Select(r => new ReviewView(r.ReviewedOn, PersonalDataVault.Open<string>(key, r.Notes), r.By)).ToArray(),
            plan.Outcome, PersonalDataVault.Open<string>(key, plan.ClosingNotes), plan.OpenedAt, plan.ClosedAt, plan.Erased || key is null, plan.Version));
    }

    private static async Task<Ok<PlanSummary>> AddMeasure(
        Guid id, MeasureRequest request, HttpContext http, IDocumentSession session, IMasterKey master, TimeProvider clock, CancellationToken ct)
    {
        new Validation().Required("description", request.Description).MaxLength("description", request.Description, 1000)
            .Required("owner", request.Owner).Required("dueOn", request.DueOn).ThrowIfInvalid();
        return await ChangePlan(id, http, session, master, clock, ct, (plan, key, caller, now) => SupportPlanDecider.Decide(
            new AddMeasure(id, Guid.CreateVersion7(), Seal(key, id, request.Description!.Trim()), request.Owner!.Value, request.DueOn!.Value, caller.Subject, now), plan));
    }

    private static Task<Ok<PlanSummary>> StartReview(Guid id, HttpContext http, IDocumentSession session, IMasterKey master, TimeProvider clock, CancellationToken ct) =>
        ChangePlan(id, http, session, master, clock, ct, (plan, _, caller, now) => SupportPlanDecider.Decide(new StartReview(id, caller.Subject, now), plan));

    private static async Task<Ok<PlanSummary>> RecordReview(
        Guid id, ReviewRequest request, HttpContext http, IDocumentSession session, IMasterKey master, TimeProvider clock, CancellationToken ct)
    {
        new Validation().Required("reviewedOn", request.ReviewedOn).Required("notes", request.Notes).MaxLength("notes", request.Notes, 4000).ThrowIfInvalid();
        return await ChangePlan(id, http, session, master, clock, ct, (plan, key, caller, now) => SupportPlanDecider.Decide(
            new RecordReview(id, request.ReviewedOn!.Value, Seal(key, id, request.Notes!.Trim()), caller.Subject, now), plan));
    }

    private static async Task<Ok<PlanSummary>> Close(
        Guid id, ClosePlanRequest request, HttpContext http, IDocumentSession session, IMasterKey master, TimeProvider clock, CancellationToken ct)
    {
        new Validation().Required("outcome", request.Outcome).MaxLength("notes", request.Notes, 4000).ThrowIfInvalid();
        return await ChangePlan(id, http, session, master, clock, ct, (plan, key, caller, now) => SupportPlanDecider.Decide(
            new ClosePlan(id, request.Outcome!.Value, key is null || string.IsNullOrWhiteSpace(request.Notes) ? null : PersonalDataVault.SealText(key, id, request.Notes.Trim()),
                caller.Subject, now), plan));
    }

    /// <summary>The plan's school-side party: a counsellor of the plan's school whose subject the plan names.</summary>
    private static bool IsSchoolParty(Caller caller, SupportPlan plan) =>
        caller.Role == Role.Counsellor && caller.SchoolId == plan.SchoolId && plan.SchoolParty == caller.Subject;

    private static Sealed Seal(byte[]? key, Guid id, string text) =>
        key is null ? throw new RuleViolation("erased", "该档案已被删除 / The plan was erased.") : PersonalDataVault.Seal(key, id, text);

    /// <summary>
    /// What every change to a plan needs before Platform's write step: the plan's key (to seal what the command adds)
    /// and the child (whose carers may act).
    /// </summary>
    private static async Task<Ok<PlanSummary>> ChangePlan(
        Guid id, HttpContext http, IDocumentSession session, IMasterKey master, TimeProvider clock, CancellationToken ct,
        Func<SupportPlan, byte[]?, Caller, DateTimeOffset, IReadOnlyList<object>> decide)
    {
        var caller = http.Caller();
        var key = await PersonalDataVault.LoadKeyAsync(session, master, id, ct);
        var now = clock.GetUtcNow();
        var current = await session.LoadAsync<SupportPlan>(id, ct) ?? throw new NotFoundException("未找到 / Not found.");
        var child = await session.LoadAsync<Child>(current.StudentId, ct);
        return await session.Change<SupportPlan, PlanSummary>(http, id, plan =>
        {
            // The plan's own school-side party (a counsellor) acts on it; otherwise the child's carers.
            if (!IsSchoolParty(caller, plan))
            {
                Access.AuthorizeCare(caller, plan.SchoolId, plan.CountyCode, child);
            }
        }, plan => decide(plan, key, caller, now), PlanSummary.Of, ct);
    }
}
