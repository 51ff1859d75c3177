using JiaoLianTi.Platform.AlliancesReplica;
using JiaoLianTi.CampusSafety;
using JiaoLianTi.CampusSafety.Schools;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Platform.PersonalData;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.CampusSafety.Bullying;

public sealed record PartyRequest(Guid? StudentId, PartyRole? Role);
public sealed record ReportBullyingCaseRequest(Guid? SchoolId, int? Grade, string? Summary, bool? Anonymous, IReadOnlyList<PartyRequest>? Parties);
public sealed record AssignCounsellorRequest(string? Counsellor);
public sealed record DetermineBullyingCaseRequest(bool? IsBullying, string? Findings);
public sealed record RecordMeasureRequest(string? Description);
public sealed record CallLegalVicePrincipalRequest(Guid? AppointmentId);

/// <summary>欺凌案件 / a bullying case: reported (anonymously if need be), investigated, determined, closed, erased.</summary>
public static class BullyingCasesApi
{
    public static void MapBullyingCaseEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/campussafety/bullying-cases").WithTags("BullyingCase 校园欺凌防治");
        group.MapPost("/", Report).WithSummary("欺凌事件报告 / Report a bullying case (anonymous allowed)");
        group.MapGet("/", List).WithSummary("案件列表（不含当事人；investigationOverdue=true 逾期未认定） / Cases, without parties or narrative");
        group.MapGet("/mine", Mine).WithSummary("我报告的案件的进展 / The status of the cases the caller reported (not anonymously)");
        group.MapGet("/receipts/{code}", ByReceipt).WithSummary("凭回执码查看进展（匿名报告也可） / The status of a report, by its receipt code (anonymous reports too)");
        group.MapGet("/supervision", Supervision)
            .WithSummary("督导：各校各状态案件数与逾期调查数（无姓名无内容，少于 5 显示 <5） / Supervision: counts per school and status, overdue investigations (no names, no text, under 5 shown as <5)");
        group.MapCaseReadingEndpoints();
        group.MapPost("/{id:guid}/parties", AddParty).WithSummary("添加当事人 / Add a party by opaque student id");
        group.MapPost("/{id:guid}/counsellor", Assign).WithSummary("指派心理教师 / Assign the counsellor");
        group.MapPost("/{id:guid}/determination", Determine).WithSummary("认定 / Determine: bullying or not");
        group.MapPost("/{id:guid}/measures", RecordMeasure).WithSummary("处置措施 / Record a measure");
        group.MapPost("/{id:guid}/close", Close).WithSummary("结案 / Close the case");
        group.MapPost("/{id:guid}/legal-vice-principal", CallLegalVicePrincipal)
            .WithSummary("请本校在任法治副校长参与案件（其查阅留痕） / Call the school's current legal vice-principal to the case (their reads are recorded)");
        group.MapPost("/{id:guid}/erase", Erase).WithSummary("销毁案件内容（删除密钥） / Erase a closed case's narrative by deleting its key");
    }

    private static async Task<Created<BullyingCaseSummary>> Report(
        ReportBullyingCaseRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        var parties = request.Parties ?? [];
        var validation = new Validation()
            .Required("schoolId", request.SchoolId)
            .Required("grade", request.Grade)
            .Check(request.Grade is null or (>= 1 and <= 12), "grade", "须在 1 到 12 之间 / must be between 1 and 12")
            .Required("summary", request.Summary).MaxLength("summary", request.Summary, 4000)
            .Check(parties.Count <= 50, "parties", "最多 50 人 / at most 50 parties");
        for (var i = 0; i < parties.Count; i++)
        {
            validation.Required($"parties[{i}].studentId", parties[i].StudentId)
                .Check(parties[i].StudentId != Guid.Empty, $"parties[{i}].studentId", "不是有效的学生编号 / is not a student id")
                .Required($"parties[{i}].role", parties[i].Role);
        }
        validation.ThrowIfInvalid();
        var schoolId = request.SchoolId!.Value;
        var school = await session.School(schoolId, ct);
        if (school is null || caller.SchoolId != schoolId || !caller.Covers(school.CountyCode)
            || caller.Role is not (Role.SchoolAdmin or Role.Teacher or Role.Counsellor or Role.Parent))
        {
            throw new ForbiddenException("只能向本校报告 / Only the school's staff and parents may report to this school.");
        }
        var caseId = Guid.CreateVersion7();
        var receipt = Receipts.NewCode();
        var key = RecordKey.New(caseId);
        key.Store(session, Master(http), clock.GetUtcNow());
        var command = new ReportBullyingCase(caseId, schoolId, school.CountyCode, request.Grade!.Value,
            RecordCipher.Seal(key, request.Summary!.Trim()), request.Anonymous ?? false, caller.Subject,
            parties.Select(p => new Party(p.StudentId!.Value, p.Role!.Value)).ToList(), clock.GetUtcNow(), Receipts.Hash(receipt));
        // The reporter gets the case's id, status and receipt code back, not the case: reading it is for the need-to-know.
        return await session.Start<BullyingCase, BullyingCaseSummary>(http, command.CaseId, BullyingCaseDecider.Decide(command),
            $"/api/campussafety/bullying-cases/{command.CaseId}", c => BullyingCaseSummary.Of(c) with { ReceiptCode = receipt }, ct);
    }

    private static async Task<Ok<Page<BullyingCaseSummary>>> List(
        HttpContext http, IQuerySession session, TimeProvider clock, int? page, int? pageSize, CaseStatus? status,
        bool? investigationOverdue, CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        IQueryable<BullyingCase> query;
        var region = caller.Region;
        if (caller.Role == Role.SchoolAdmin && caller.SchoolId is { } school)
        {
            query = session.Query<BullyingCase>().Where(c => c.SchoolId == school && c.CountyCode.StartsWith(region));
        }
        else if (caller.Role == Role.Counsellor)
        {
            var subject = caller.Subject;
            var own = caller.SchoolId;
            query = session.Query<BullyingCase>().Where(c => c.Counsellor == subject && c.SchoolId == own && c.CountyCode.StartsWith(region));
        }
        else if (caller.Role == Role.MemberOfficer)
        {
            // 警校共育: the cases a legal vice-principal was called to (reading one still needs a current appointment).
            var subject = caller.Subject;
            query = session.Query<BullyingCase>().Where(c => c.LegalVicePrincipals.Any(l => l.Subject == subject) && c.CountyCode.StartsWith(region));
        }
        else
        {
            throw new ForbiddenException("欺凌案件仅限学校管理员和指派的心理教师 / Bullying cases are for the school's admins and the assigned counsellor.");
        }
        if (status is { } s) query = query.Where(c => c.Status == s);
        if (investigationOverdue == true)
        {
            // Not determined within the investigation period (10 days).
            var now = clock.GetUtcNow();
            query = query.Where(c => c.Status == CaseStatus.Reported && c.InvestigationDueAt < now);
        }
        var cases = await query.OrderByDescending(c => c.ReportedAt).ToPageAsync(paging, ct);
        var names = await session.NamesAsync(cases.Items.Select(c => (Guid?)c.SchoolId), ct);
        return TypedResults.Ok(cases.Map(c => BullyingCaseSummary.Of(c) with { SchoolName = names.GetValueOrDefault(c.SchoolId) }));
    }

    /// <summary>The reporter's own (named) reports: their status only.</summary>
    private static async Task<Ok<Page<ReportStatus>>> Mine(
        HttpContext http, IQuerySession session, TimeProvider clock, int? page, int? pageSize, CancellationToken ct)
    {
        var caller = http.Caller();
        var subject = caller.Subject;
        var cases = await session.Query<BullyingCase>().Where(c => c.ReportedBy == subject)
            .OrderByDescending(c => c.ReportedAt).ToPageAsync(Paging.From(page, pageSize), ct);
        var now = clock.GetUtcNow();
        return TypedResults.Ok(cases.Map(c => ReportStatus.Of(c, now)));
    }

    /// <summary>Whoever holds the receipt code follows the report's status; nothing more of the case.</summary>
    private static async Task<Ok<ReportStatus>> ByReceipt(string code, HttpContext http, IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        new Validation().Check(Receipts.LooksLikeCode(code), "code", $"回执码为 {Receipts.Length} 位字母数字 / a receipt code has {Receipts.Length} letters and digits")
            .ThrowIfInvalid();
        var hash = Receipts.Hash(code);
        var @case = await session.Query<BullyingCase>().FirstOrDefaultAsync(c => c.ReceiptHash == hash, ct)
            ?? throw new NotFoundException("未找到该回执码的报告 / No report has this receipt code.");
        return TypedResults.Ok(ReportStatus.Of(@case, clock.GetUtcNow()));
    }

    /// <summary>
    /// 督导: the county (city, province) sees, per school of its region, how many cases are in each status and how many
    /// investigations are past their 10 days: counts only (no names, no text), 1 to 4 shown as "&lt;5".
    /// </summary>
    private static async Task<Ok<BullyingSupervision>> Supervision(
        HttpContext http, IQuerySession session, TimeProvider clock, string? county, CancellationToken ct)
    {
        var caller = http.Caller();
        if (!caller.IsAdministration)
        {
            throw new ForbiddenException("督导统计仅供教育行政部门 / Supervision figures are for the education bureaus.");
        }
        var region = caller.Region;
        if (!string.IsNullOrEmpty(county))
        {
            new Validation().Check(Regions.IsRegionPrefix(county) && county.StartsWith(caller.Region, StringComparison.Ordinal), "county",
                "须为您区域内的行政区划代码 / must be a division code inside your region").ThrowIfInvalid();
            region = county;
        }
        var now = clock.GetUtcNow();
        var rows = await session.Query<BullyingCase>().Where(c => c.CountyCode.StartsWith(region))
            .Select(c => new { c.SchoolId, c.CountyCode, c.Status, c.InvestigationDueAt })
            .ToListAsync(ct);
        var schools = rows.GroupBy(r => (r.SchoolId, r.CountyCode)).ToList();
        var names = (await session.LoadManyAsync<Platform.AlliancesReplica.KnownUnit>(ct, schools.Select(g => g.Key.SchoolId).Distinct()))
            .ToDictionary(u => u.Id, u => u.Name);
        return TypedResults.Ok(new BullyingSupervision(region, now, schools
            .OrderBy(g => g.Key.CountyCode, StringComparer.Ordinal).ThenBy(g => g.Key.SchoolId)
            .Select(g => new SchoolCaseCounts(g.Key.SchoolId, names.GetValueOrDefault(g.Key.SchoolId), g.Key.CountyCode,
                g.GroupBy(r => r.Status).OrderBy(s => s.Key).ToDictionary(s => s.Key, s => SmallCounts.Show(s.Count())),
                SmallCounts.Show(g.Count(r => r.Status == CaseStatus.Reported && r.InvestigationDueAt < now))))
            .ToList()));
    }

    private static async Task<Ok<BullyingCaseSummary>> AddParty(
        Guid id, PartyRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation().Required("studentId", request.StudentId)
            .Check(request.StudentId != Guid.Empty, "studentId", "不是有效的学生编号 / is not a student id")
            .Required("role", request.Role).ThrowIfInvalid();
        await NeedToKnow(id, caller, session, clock, ct);
        var command = new AddBullyingParty(request.StudentId!.Value, request.Role!.Value, clock.GetUtcNow());
        return await session.Change<BullyingCase, BullyingCaseSummary>(http, id, null, s => BullyingCaseDecider.Decide(command, s), BullyingCaseSummary.Of, ct);
    }

    private static async Task<Ok<BullyingCaseSummary>> Assign(
        Guid id, AssignCounsellorRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation().Required("counsellor", request.Counsellor).MaxLength("counsellor", request.Counsellor, 200).ThrowIfInvalid();
        await SchoolAdminOnly(id, caller, session, clock, ct);
        var command = new AssignCounsellor(request.Counsellor!, caller.Subject, clock.GetUtcNow());
        return await session.Change<BullyingCase, BullyingCaseSummary>(http, id, null, s => BullyingCaseDecider.Decide(command, s), BullyingCaseSummary.Of, ct);
    }

    private static async Task<Ok<BullyingCaseSummary>> Determine(
        Guid id, DetermineBullyingCaseRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation().Required("isBullying", request.IsBullying)
            .Required("findings", request.Findings).MaxLength("findings", request.Findings, 4000).ThrowIfInvalid();
        await SchoolAdminOnly(id, caller, session, clock, ct);
        var findings = await Sealed(id, request.Findings!, Master(http), session, ct);
        var command = new DetermineBullyingCase(request.IsBullying!.Value, findings, caller.Subject, clock.GetUtcNow());
        return await session.Change<BullyingCase, BullyingCaseSummary>(http, id, null, s => BullyingCaseDecider.Decide(command, s), BullyingCaseSummary.Of, ct);
    }

    private static async Task<Ok<BullyingCaseSummary>> RecordMeasure(
        Guid id, RecordMeasureRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation().Required("description", request.Description).MaxLength("description", request.Description, 2000).ThrowIfInvalid();
        await NeedToKnow(id, caller, session, clock, ct);
        var description = await Sealed(id, request.Description!, Master(http), session, ct);
        var command = new RecordBullyingMeasure(Guid.CreateVersion7(), description, caller.Subject, clock.GetUtcNow());
        return await session.Change<BullyingCase, BullyingCaseSummary>(http, id, null, s => BullyingCaseDecider.Decide(command, s), BullyingCaseSummary.Of, ct);
    }

    private static async Task<Ok<BullyingCaseSummary>> Close(
        Guid id, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        await SchoolAdminOnly(id, caller, session, clock, ct);
        var command = new CloseBullyingCase(caller.Subject, clock.GetUtcNow());
        return await session.Change<BullyingCase, BullyingCaseSummary>(http, id, null, s => BullyingCaseDecider.Decide(command, s), BullyingCaseSummary.Of, ct);
    }

    private static async Task<Ok<BullyingCaseSummary>> CallLegalVicePrincipal(
        Guid id, CallLegalVicePrincipalRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation().Required("appointmentId", request.AppointmentId).ThrowIfInvalid();
        await SchoolAdminOnly(id, caller, session, clock, ct);
        var appointment = await session.LoadAsync<LegalVicePrincipals.LegalVicePrincipal>(request.AppointmentId!.Value, ct);
        var today = LegalVicePrincipals.LegalVicePrincipalsApi.Today(clock);
        return await session.Change<BullyingCase, BullyingCaseSummary>(http, id, null, s => BullyingCaseDecider.Decide(new CallLegalVicePrincipal(
            request.AppointmentId.Value, appointment?.Subject ?? "", appointment is not null && appointment.SchoolId == s.SchoolId && appointment.IsCurrentOn(today),
            caller.Subject, clock.GetUtcNow()), s), BullyingCaseSummary.Of, ct);
    }

    private static async Task<Ok<BullyingCaseSummary>> Erase(
        Guid id, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        await SchoolAdminOnly(id, caller, session, clock, ct);
        var command = new EraseBullyingCase(caller.Subject, clock.GetUtcNow());
        // The key goes in the same transaction as the event that says so; a refused erase deletes nothing.
        PersonalDataVault.EraseKey(session, id);
        return await session.Change<BullyingCase, BullyingCaseSummary>(http, id, null, s => BullyingCaseDecider.Decide(command, s), BullyingCaseSummary.Of, ct);
    }

    /// <summary>Seals new text of a case with its key; once the key is erased nothing more is written to it.</summary>
    internal static IMasterKey Master(HttpContext http) => http.RequestServices.GetRequiredService<IMasterKey>();

    private static async Task<string> Sealed(Guid id, string text, IMasterKey master, IQuerySession session, CancellationToken ct)
    {
        var key = await RecordKey.LoadAsync(session, master, id, ct)
            ?? throw new RuleViolation("case-erased", "案件内容已销毁 / The case's narrative has been erased.");
        return RecordCipher.Seal(key, text.Trim());
    }

    /// <summary>The school's admins and the assigned counsellor; to anyone else the case does not exist.</summary>
    internal static async Task<BullyingCase> NeedToKnow(Guid id, Caller caller, IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        var @case = await session.LoadAsync<BullyingCase>(id, ct);
        if (@case is null || !(caller.IsAdminOf(@case.SchoolId, @case.CountyCode)
            || (caller.Role == Role.Counsellor && @case.Counsellor == caller.Subject && caller.SchoolId == @case.SchoolId
                && caller.Covers(@case.CountyCode))
            || await IsCalledLegalVicePrincipalAsync(@case, caller, session, clock, ct)))
        {
            throw Access.NotFound("欺凌案件", id);
        }
        return @case;
    }

    /// <summary>警校共育: a legal vice-principal called to the case, while their appointment at the school is current.</summary>
    private static async Task<bool> IsCalledLegalVicePrincipalAsync(BullyingCase @case, Caller caller, IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        if (caller.Role != Role.MemberOfficer || !caller.Covers(@case.CountyCode)
            || @case.LegalVicePrincipals.FirstOrDefault(l => l.Subject == caller.Subject) is not { } called)
        {
            return false;
        }
        var appointment = await session.LoadAsync<LegalVicePrincipals.LegalVicePrincipal>(called.AppointmentId, ct);
        return appointment is not null && appointment.UnitId == caller.MemberUnitId
            && appointment.IsCurrentOn(LegalVicePrincipals.LegalVicePrincipalsApi.Today(clock));
    }

    private static async Task SchoolAdminOnly(Guid id, Caller caller, IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        var @case = await NeedToKnow(id, caller, session, clock, ct);
        if (!caller.IsAdminOf(@case.SchoolId, @case.CountyCode))
        {
            throw new ForbiddenException("此操作仅限学校管理员 / Only the school's admins may do this.");
        }
    }
}
