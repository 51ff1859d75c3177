using JiaoLianTi.Alliances.Contracts;
using JiaoLianTi.Platform.AlliancesReplica;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Platform.PersonalData;
using JiaoLianTi.Wellbeing.Children;
using JiaoLianTi.Wellbeing.Protection;
using JiaoLianTi.Wellbeing.Referrals;
using JiaoLianTi.Wellbeing.Screening;
using JiaoLianTi.Wellbeing.Units;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace JiaoLianTi.Wellbeing.HealthScreening;

public sealed record OpenRoundRequest(Guid? SchoolId, HealthCheck[]? Checks, DateOnly? StartsOn, int? Expected);
public sealed record EyeRequest(decimal? Acuity, decimal? Sphere, decimal? Cylinder);
public sealed record VisionRequest(EyeRequest? Right, EyeRequest? Left);
public sealed record SpineRequest(decimal? TrunkRotation);
public sealed record HealthResultRequest(Guid? StudentId, int? Grade, DateOnly? ScreenedOn, VisionRequest? Vision, SpineRequest? Spine, string? Remarks);

/// <summary>A round with how many results it holds.</summary>
public sealed record HealthRoundView(
    Guid RoundId, Guid SchoolId, string CountyCode, Guid UnitId, IReadOnlyList<HealthCheck> Checks, DateOnly StartsOn, int Expected,
    HealthRoundStatus Status, int Results, int Referred, IReadOnlyList<HealthImport> Imports, DateTimeOffset OpenedAt, DateTimeOffset? ClosedAt, long Version)
{
    public static HealthRoundView Of(HealthRound r, int results, int referred) => new(r.Id, r.SchoolId, r.CountyCode, r.UnitId, r.Checks,
        r.StartsOn, r.Expected, r.Status, results, referred, r.Imports, r.OpenedAt, r.ClosedAt, r.Version);
}

/// <summary>What a list of results shows: the opaque id, grade, findings and referral, never the measurements.</summary>
public sealed record HealthResultSummary(
    Guid ResultId, Guid RoundId, Guid StudentId, Guid SchoolId, int Grade, DateOnly ScreenedOn, VisionFinding? Vision, SpineFinding? Spine,
    Guid? ReferralId, long Version)
{
    public static HealthResultSummary Of(HealthResult r) =>
        new(r.Id, r.RoundId, r.StudentId, r.SchoolId, r.Grade, r.ScreenedOn, r.Vision, r.Spine, r.ReferralId, r.Version);
}

/// <summary>One result as the child's parents (and the school, and the hospital that screened) read it: the measurements
/// opened (null once erased), the findings, what to do next, and how far the referral has come.</summary>
public sealed record HealthResultView(
    Guid ResultId, Guid RoundId, Guid UnitId, string? HospitalName, int Grade, DateOnly ScreenedOn, HealthMeasurements? Measurements,
    VisionFinding? Vision, SpineFinding? Spine, IReadOnlyList<string> NextSteps, Guid? ReferralId, ReferralStatus? ReferralStatus, bool Erased);

public sealed record ChildHealthResults(Guid StudentId, IReadOnlyList<HealthResultView> Results);

public sealed record HealthImportReport(Guid RoundId, int Rows, int Accepted, int Rejected, int Referred, IReadOnlyList<RowError> Errors);

/// <summary>
/// 医教互促 · 健康筛查 (光明工程 vision, scoliosis): a hospital's officer opens a round at a school of its alliance, records
/// each child's result (or imports the hospital's CSV), and closes it. A result past a threshold is referred to the same
/// hospital through the referral flow, in the same transaction. The child's parents read the results with what to do next.
/// </summary>
public static class HealthScreeningApi
{
    public static RouteGroupBuilder MapHealthScreeningEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/wellbeing/health-screenings").WithTags("Health screening 医教互促健康筛查");
        group.MapPost("/", Open).WithSummary("医院开启一轮筛查（视力、脊柱） / A hospital of the alliance opens a screening round at a school");
        group.MapGet("/", List).WithSummary("筛查轮次 / Rounds of the hospital, the school or the region");
        group.MapGet("/{id:guid}", Get).WithSummary("一轮筛查 / A round");
        group.MapPost("/{id:guid}/results", Record).WithSummary("录入一名学生的筛查结果 / Record one child's result");
        group.MapPost("/{id:guid}/results/import", Import).Accepts<string>("text/csv")
            .WithSummary("导入医院的筛查 CSV（逐行报错） / Import the hospital's CSV of the round (errors row by row)");
        group.MapGet("/{id:guid}/results", Results).WithSummary("本轮结果（无测量值） / The round's results, without measurements");
        group.MapPost("/{id:guid}/close", Close).WithSummary("结束本轮 / Close the round");
        group.MapGet("/children/{studentId:guid}", ChildResults)
            .WithSummary("孩子的筛查结果与下一步（家长本人读取，读取留痕） / A child's results and what to do next (the child's parents; every read recorded)");
        return group;
    }

    private static async Task<Created<HealthRoundView>> Open(
        OpenRoundRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        var checks = request.Checks ?? [];
        new Validation().Required("schoolId", request.SchoolId)
            .Check(checks.Length is >= 1 and <= 2, "checks", "须为 Vision、Spine 之一或两者 / must be Vision, Spine or both")
            .Required("startsOn", request.StartsOn)
            .Required("expected", request.Expected)
            .Check(request.Expected is null or (>= 1 and <= 20_000), "expected", "应筛人数须为 1 到 20000 / the number to screen must be 1 to 20000")
            .ThrowIfInvalid();
        if (caller.Role != Role.MemberOfficer || caller.MemberUnitId is not { } unitId)
        {
            throw new ForbiddenException("只有医院成员单位的工作人员可以开启筛查 / Only a hospital's officer opens a screening round.");
        }
        var schoolId = request.SchoolId!.Value;
        var county = await UnitQueries.CountyOfSchoolAsync(session, schoolId, ct);
        if (county is null || !caller.Covers(county))
        {
            throw new NotFoundException("未找到学校 / No such school.");
        }
        var id = Guid.CreateVersion7();
        var events = HealthScreeningDecider.Decide(new OpenHealthRound(id, schoolId, county, unitId,
            await IsHospitalMemberAsync(session, schoolId, unitId, ct), checks, request.StartsOn!.Value, request.Expected!.Value,
            caller.Subject, clock.GetUtcNow()));
        return await session.Start<HealthRound, HealthRoundView>(http, id, events, $"/api/wellbeing/health-screenings/{id}",
            r => HealthRoundView.Of(r, 0, 0), ct);
    }

    private static async Task<Ok<Page<HealthRoundView>>> List(
        HttpContext http, IQuerySession session, Guid? schoolId, HealthRoundStatus? status, int? page, int? pageSize, CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        IQueryable<HealthRound> query = session.Query<HealthRound>();
        query = caller.Role switch
        {
            Role.MemberOfficer when caller.MemberUnitId is { } unit => query.Where(r => r.UnitId == unit),
            Role.SchoolAdmin when caller.SchoolId is { } school => query.Where(r => r.SchoolId == school),
            _ when ReadsFigures(caller) => query.Where(r => r.CountyCode.StartsWith(caller.Region)),
            _ => throw new ForbiddenException("仅限筛查医院、本校管理员和教育、卫健部门 / Only the screening hospital, the school's admins, the education bureaus and health."),
        };
        if (schoolId is { } s) query = query.Where(r => r.SchoolId == s);
        if (status is { } st) query = query.Where(r => r.Status == st);
        var rounds = await query.OrderByDescending(r => r.OpenedAt).ToPageAsync(paging, ct);
        var counts = await CountsAsync(session, rounds.Items.Select(r => r.Id).ToArray(), ct);
        return TypedResults.Ok(rounds.Map(r => HealthRoundView.Of(r, counts.GetValueOrDefault(r.Id).Results, counts.GetValueOrDefault(r.Id).Referred)));
    }

    private static async Task<Results<Ok<HealthRoundView>, StatusCodeHttpResult>> Get(Guid id, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        var caller = http.Caller();
        var round = await session.LoadAsync<HealthRound>(id, ct) ?? throw new NotFoundException("未找到 / Not found.");
        MayRead(caller, round);
        var counts = await CountsAsync(session, [id], ct);
        return http.Versioned(HealthRoundView.Of(round, counts.GetValueOrDefault(id).Results, counts.GetValueOrDefault(id).Referred), round.Version);
    }

    private static async Task<Created<HealthResultSummary>> Record(
        Guid id, HealthResultRequest request, HttpContext http, IDocumentSession session, IMasterKey master,
        IOptions<WellbeingOptions> options, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        var now = clock.GetUtcNow();
        var measurements = Validate(request, ChinaDays.Of(now));
        var round = await session.LoadAsync<HealthRound>(id, ct) ?? throw new NotFoundException("未找到 / Not found.");
        var unitId = OfficerOf(caller, round);
        var studentId = request.StudentId!.Value;
        var child = await session.LoadAsync<Child>(studentId, ct);
        var existing = await session.LoadAsync<HealthResult>(HealthResult.IdOf(id, studentId), ct);
        var key = await PersonalDataVault.LoadKeyAsync(session, master, studentId, ct);
        var sealedMeasurements = key is null ? new Sealed(studentId, "") : PersonalDataVault.Seal(key, studentId, measurements);
        var events = HealthScreeningDecider.Decide(new RecordHealthResult(id, studentId, unitId,
            await IsHospitalMemberAsync(session, round.SchoolId, unitId, ct), request.Grade!.Value, request.ScreenedOn!.Value, measurements,
            sealedMeasurements, options.Value.HealthScreening, caller.Subject, now), round, child, existing);
        var recorded = (HealthResultRecorded)events[0];
        StageReferral(session, master, round, recorded, options.Value);
        return await session.Start<HealthResult, HealthResultSummary>(http, recorded.ResultId, events,
            $"/api/wellbeing/health-screenings/{id}/results/{recorded.ResultId}", HealthResultSummary.Of, ct);
    }

    /// <summary>
    /// The hospital's CSV, as one change of the round (If-Match on the round): every row is checked first; malformed rows
    /// and rows a rule refuses are reported one by one and left out; the valid rows are kept, each with its referral, in
    /// one transaction with the import's report. No valid row: 400, nothing appended.
    /// </summary>
    private static async Task<Ok<HealthImportReport>> Import(
        Guid id, HttpContext http, IDocumentSession session, IMasterKey master, IOptions<WellbeingOptions> options,
        TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        var now = clock.GetUtcNow();
        HealthImportReport? report = null;
        return await session.Change<HealthRound, HealthImportReport>(http, id, r => OfficerOf(caller, r), async round =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var (rows, errors) = await HealthScreeningCsv.ParseAsync(reader, round.Checks, ChinaDays.Of(now), ct);
            var ids = rows.Select(r => r.StudentId).Distinct().ToArray();
            var children = (await session.LoadManyAsync<Child>(ct, ids)).ToDictionary(c => c.Id);
            var existing = (await session.LoadManyAsync<HealthResult>(ct, ids.Select(s => HealthResult.IdOf(id, s)).ToArray()))
                .ToDictionary(r => r.StudentId);
            var keys = await PersonalDataVault.LoadKeysAsync(session, master, ids, ct);
            var member = await IsHospitalMemberAsync(session, round.SchoolId, round.UnitId, ct);
            var accepted = new List<HealthResultRecorded>();
            foreach (var row in rows)
            {
                try
                {
                    var sealedMeasurements = keys.TryGetValue(row.StudentId, out var key)
                        ? PersonalDataVault.Seal(key, row.StudentId, row.Measurements) : new Sealed(row.StudentId, "");
                    var events = HealthScreeningDecider.Decide(new RecordHealthResult(id, row.StudentId, round.UnitId, member, row.Grade,
                        row.ScreenedOn, row.Measurements, sealedMeasurements, options.Value.HealthScreening, caller.Subject, now),
                        round, children.GetValueOrDefault(row.StudentId), existing.GetValueOrDefault(row.StudentId));
                    accepted.Add((HealthResultRecorded)events[0]);
                }
                catch (RuleViolation violation) when (violation.Code != "unit-not-hospital-member" && violation.Code != "round-closed")
                {
                    errors.Add(new RowError(row.Row, row.Line, new Dictionary<string, string[]> { ["studentId"] = [violation.Message] }));
                }
            }
            errors.Sort((a, b) => a.Row.CompareTo(b.Row));
            if (accepted.Count == 0)
            {
                throw new ValidationFailed(errors.Take(200).ToDictionary(
                    e => $"row[{e.Row}]", e => e.Errors.SelectMany(x => x.Value.Select(m => $"{x.Key}: {m}")).ToArray()));
            }
            foreach (var recorded in accepted)
            {
                session.Events.StartStream<HealthResult>(recorded.ResultId, recorded);
                StageReferral(session, master, round, recorded, options.Value);
            }
            var referred = accepted.Count(a => a.ReferralId is not null);
            report = new HealthImportReport(id, accepted.Count + errors.Count, accepted.Count, errors.Count, referred, errors);
            return HealthScreeningDecider.Decide(new ImportHealthResults(id, round.UnitId, report.Rows, accepted.Count, referred,
                errors.Take(1000).ToArray(), caller.Subject, now), round);
        }, _ => report!, ct);
    }

    private static async Task<Ok<Page<HealthResultSummary>>> Results(
        Guid id, HttpContext http, IQuerySession session, bool? referred, int? grade, int? page, int? pageSize, CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        var round = await session.LoadAsync<HealthRound>(id, ct) ?? throw new NotFoundException("未找到 / Not found.");
        if (!(caller.Role == Role.MemberOfficer && caller.MemberUnitId == round.UnitId) && !(caller.Role == Role.SchoolAdmin && caller.SchoolId == round.SchoolId))
        {
            throw Access.Refusal(caller, round.SchoolId, round.CountyCode);
        }
        IQueryable<HealthResult> query = session.Query<HealthResult>().Where(r => r.RoundId == id);
        if (referred is { } r) query = r ? query.Where(x => x.ReferralId != null) : query.Where(x => x.ReferralId == null);
        if (grade is { } g) query = query.Where(x => x.Grade == g);
        var results = await query.OrderBy(x => x.Grade).ThenBy(x => x.StudentId).ToPageAsync(paging, ct);
        return TypedResults.Ok(results.Map(HealthResultSummary.Of));
    }

    private static async Task<Ok<HealthRoundView>> Close(Guid id, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        var closed = await session.Change<HealthRound>(http, id, r => OfficerOf(caller, r),
            r => HealthScreeningDecider.Decide(new CloseHealthRound(id, r.UnitId, caller.Subject, clock.GetUtcNow()), r), ct);
        var counts = (await CountsAsync(session, [id], ct)).GetValueOrDefault(id);
        return TypedResults.Ok(HealthRoundView.Of(closed.Value!, counts.Results, counts.Referred));
    }

    /// <summary>
    /// A child's results: the child's own parents (the child claim on their token), the school's admins, and a hospital's
    /// officer for the results of its own rounds. The read is recorded before any measurement is answered.
    /// </summary>
    private static async Task<Ok<ChildHealthResults>> ChildResults(
        Guid studentId, AccessPurpose? purpose, HttpContext http, IDocumentSession session, IMasterKey master, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        // A parent reads their own child's results; staff say why, as for every read of a child's record.
        var why = caller.Role == Role.Parent ? purpose ?? AccessPurpose.Screening : Access.RequirePurpose(purpose);
        var results = await session.Query<HealthResult>().Where(r => r.StudentId == studentId).OrderByDescending(r => r.ScreenedOn).ToListAsync(ct);
        var child = await session.LoadAsync<Child>(studentId, ct);
        if (child is null && results.Count == 0)
        {
            throw new NotFoundException("未找到 / Not found.");
        }
        var schoolId = child?.SchoolId ?? results[0].SchoolId;
        var county = child?.CountyCode ?? results[0].CountyCode;
        await Access.ReadAsync(session, caller, why, new SensitiveRecord(studentId, schoolId, county, ReadResource.HealthScreening, studentId),
            clock.GetUtcNow(), () =>
            {
                if (caller.Role == Role.MemberOfficer && caller.MemberUnitId is { } unit && results.Any(r => r.UnitId == unit))
                {
                    results = results.Where(r => r.UnitId == unit).ToList();
                }
                else if (!caller.IsParentOf(studentId) && !(caller.Role == Role.SchoolAdmin && caller.SchoolId == schoolId))
                {
                    throw Access.Refusal(caller, schoolId, county);
                }
                return null;
            }, ct);
        var key = await PersonalDataVault.LoadKeyAsync(session, master, studentId, ct);
        var referrals = (await session.LoadManyAsync<Referral>(ct, results.Where(r => r.ReferralId is not null).Select(r => r.ReferralId!.Value).ToArray()))
            .ToDictionary(r => r.Id);
        var hospitals = (await session.LoadManyAsync<KnownUnit>(ct, results.Select(r => r.UnitId).Distinct().ToArray())).ToDictionary(u => u.Id, u => u.Name);
        return TypedResults.Ok(new ChildHealthResults(studentId, results.Select(r => new HealthResultView(r.Id, r.RoundId, r.UnitId,
            hospitals.GetValueOrDefault(r.UnitId), r.Grade, r.ScreenedOn, key is null ? null : PersonalDataVault.Open<HealthMeasurements>(key, r.Measurements),
            r.Vision, r.Spine, NextSteps.Of(r.Vision, r.Spine, r.ReferralId is not null), r.ReferralId,
            r.ReferralId is { } rid ? referrals.GetValueOrDefault(rid)?.Status : null, key is null)).ToArray()));
    }

    /// <summary>A result past a threshold: a referral to the round's hospital, through the referral flow (its rules, its
    /// reason sealed under a key of its own that belongs to the child, its SLAs and contact grant), in the same transaction.</summary>
    private static void StageReferral(IDocumentSession session, IMasterKey master, HealthRound round, HealthResultRecorded recorded, WellbeingOptions options)
    {
        if (recorded.ReferralId is not { } referralId)
        {
            return;
        }
        var (key, stored) = PersonalDataVault.NewKey(master, referralId, recorded.StudentId, recorded.At);
        session.Store(stored);
        var reason = string.Join("；", new[]
        {
            recorded.Vision is { } v and not VisionFinding.Normal ? $"视力筛查：{(v == VisionFinding.MyopiaSuspected ? "筛查性近视" : "视力低下")} / vision: {v}" : null,
            recorded.Spine == SpineFinding.Positive ? "脊柱侧弯筛查阳性 / positive scoliosis screen" : null,
        }.Where(x => x is not null));
        var events = ReferralDecider.Decide(new MakeReferral(referralId, recorded.StudentId, round.SchoolId, round.CountyCode, round.UnitId,
            Urgency.Routine, PersonalDataVault.Seal(key, referralId, $"健康筛查 / health screening: {reason}"), true, recorded.By, recorded.At,
            options.Referrals.ContactFor, NameBasedIds.Create(referralId, "contact"), new HealthScreeningSource(round.Id, recorded.ResultId)));
        session.Events.StartStream<Referral>(referralId, events.ToArray());
    }

    private static HealthMeasurements Validate(HealthResultRequest request, DateOnly today)
    {
        var v = new Validation();
        void Check(bool valid, string field, string message) => v.Check(valid, field, message);
        v.Required("studentId", request.StudentId).Required("screenedOn", request.ScreenedOn)
            .Check(request.ScreenedOn is null || request.ScreenedOn <= today, "screenedOn", "不能晚于今天 / cannot be in the future")
            .MaxLength("remarks", request.Remarks, HealthLimits.MaxRemarks)
            .Check(request.Vision is not null || request.Spine is not null, "vision", "至少须有一项筛查结果（vision 或 spine） / needs vision or spine");
        HealthLimits.Grade(Check, request.Grade, "grade");
        if (request.Vision is { } vision)
        {
            v.Check(vision.Right is not null, "vision.right", "必填 / is required").Check(vision.Left is not null, "vision.left", "必填 / is required");
            if (vision.Right is { } r) HealthLimits.Eye(Check, r.Acuity, r.Sphere, r.Cylinder, "vision.right.acuity", "vision.right.sphere", "vision.right.cylinder");
            if (vision.Left is { } l) HealthLimits.Eye(Check, l.Acuity, l.Sphere, l.Cylinder, "vision.left.acuity", "vision.left.sphere", "vision.left.cylinder");
        }
        if (request.Spine is { } spine)
        {
            HealthLimits.Trunk(Check, spine.TrunkRotation, "spine.trunkRotation");
        }
        v.ThrowIfInvalid();
        return new HealthMeasurements(
            request.Vision is { Right: { } right, Left: { } left }
                ? new VisionMeasure(new EyeMeasure(right.Acuity!.Value, right.Sphere, right.Cylinder), new EyeMeasure(left.Acuity!.Value, left.Sphere, left.Cylinder))
                : null,
            request.Spine is { } s ? new SpineMeasure(s.TrunkRotation!.Value) : null,
            string.IsNullOrWhiteSpace(request.Remarks) ? null : request.Remarks.Trim());
    }

    /// <summary>Whether the replica knows the unit as a hospital that is an active member of an alliance of the school.</summary>
    private static async Task<bool> IsHospitalMemberAsync(IQuerySession session, Guid schoolId, Guid unitId, CancellationToken ct)
    {
        var alliances = await session.AlliancesOfAsync(schoolId, ct);
        return (await session.MembersOfAsync(alliances, [MemberUnitKinds.Hospital], ct)).Any(m => m.UnitId == unitId);
    }

    /// <summary>Only an officer of the round's hospital acts on it; the school and region learn 403, anyone else 404.</summary>
    private static Guid OfficerOf(Caller caller, HealthRound round)
    {
        if (caller.Role != Role.MemberOfficer || caller.MemberUnitId != round.UnitId)
        {
            throw Access.Refusal(caller, round.SchoolId, round.CountyCode);
        }
        return round.UnitId;
    }

    private static void MayRead(Caller caller, HealthRound round)
    {
        var allowed = (caller.Role == Role.MemberOfficer && caller.MemberUnitId == round.UnitId)
            || (caller.Role == Role.SchoolAdmin && caller.SchoolId == round.SchoolId)
            || (ReadsFigures(caller) && caller.Covers(round.CountyCode));
        if (!allowed)
        {
            // As for a change (OfficerOf): the school's people and the region's officers learn 403, anyone else 404.
            throw Access.Refusal(caller, round.SchoolId, round.CountyCode);
        }
    }

    /// <summary>The education bureaus and the health department (卫健) of a region.</summary>
    internal static bool ReadsFigures(Caller caller) =>
        caller.IsAdministration || (caller.Role == Role.DepartmentOfficer && caller.Department == Department.Health);

    private static async Task<Dictionary<Guid, (int Results, int Referred)>> CountsAsync(IQuerySession session, Guid[] roundIds, CancellationToken ct)
    {
        if (roundIds.Length == 0)
        {
            return [];
        }
        var rows = await session.Query<HealthResult>().Where(r => roundIds.Contains(r.RoundId))
            .Select(r => new { r.RoundId, r.ReferralId }).ToListAsync(ct);
        return rows.GroupBy(r => r.RoundId).ToDictionary(g => g.Key, g => (g.Count(), g.Count(x => x.ReferralId != null)));
    }
}
