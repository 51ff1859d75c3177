using JiaoLianTi.Activities.Activities;
using JiaoLianTi.Activities.Registrations;
using JiaoLianTi.Platform.AlliancesReplica;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Platform.PersonalData;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.Activities.VolunteerHours;

public sealed record RecordHoursRequest(decimal? Hours);

public sealed record StudentHours(Guid StudentId, decimal ApprovedHours, decimal PendingHours, IReadOnlyList<VolunteerHoursRecord> Records);

public sealed record HoursTotal(string? ClassName, decimal ApprovedHours, int Students);

public sealed record SchoolHours(Guid SchoolId, decimal ApprovedHours, int Students, IReadOnlyList<HoursTotal> Classes);

public static class VolunteerHoursApi
{
    public static RouteGroupBuilder MapVolunteerHoursEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/activities").WithTags("VolunteerHours 志愿时长");
        group.MapPut("/{id:guid}/volunteer-hours/{studentId:guid}", Record).WithSummary("记录志愿时长 / Record (or amend) a student's volunteer hours");
        group.MapPost("/{id:guid}/volunteer-hours/{studentId:guid}/approve", Approve).WithSummary("教师认定志愿时长 / A teacher approves them");
        group.MapGet("/{id:guid}/volunteer-hours/{studentId:guid}", Get).WithSummary("一条志愿时长 / One record");
        group.MapGet("/students/{studentId:guid}/volunteer-hours", OfStudent).WithSummary("学生的志愿时长与合计 / A student's hours and total");
        group.MapGet("/schools/{schoolId:guid}/volunteer-hours", OfSchool).WithSummary("学校、班级志愿时长合计 / Totals per school and class");
        return group;
    }

    private static async Task<Results<Created<VolunteerHoursRecord>, Ok<VolunteerHoursRecord>>> Record(
        Guid id, Guid studentId, RecordHoursRequest request, HttpContext http, IDocumentSession session,
        IMasterKey master, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation().Required("hours", request.Hours)
            .Check(request.Hours is null || (request.Hours > 0 && request.Hours <= VolunteerHoursDecider.MaxHours), "hours",
                $"须大于 0 且不超过 {VolunteerHoursDecider.MaxHours} / must be more than 0 and at most {VolunteerHoursDecider.MaxHours}")
            .ThrowIfInvalid();
        var activity = await session.LoadAsync<ActivityView>(id, ct);
        caller.MustRun(activity, id);
        var registration = await session.LoadAsync<StudentRegistration>(RegistrationIds.For(id, studentId), ct);
        var now = clock.GetUtcNow();
        // The class travels sealed with the student's key, as in the registration (docs/design.md 17).
        var key = registration?.Personal is { } personal ? await PersonalDataVault.LoadKeyAsync(session, master, personal.KeyId, ct) : null;
        var className = key is null ? registration?.ClassName : PersonalDataVault.Open<StudentPersonal>(key, registration!.Personal)?.ClassName;
        var command = new RecordVolunteerHours(id, studentId, registration?.SchoolId, key is null ? className : null,
            activity!.CountyCode, request.Hours!.Value, activity.Kind == ActivityKind.VolunteerService,
            now >= activity.StartsAt && activity.Status != ActivityStatus.Cancelled,
            registration?.Status == RegistrationStatus.Confirmed, caller.Subject, now,
            key is null ? null : PersonalDataVault.SealText(key, registration!.Personal!.KeyId, className));
        var recordId = VolunteerHoursRecord.IdFor(id, studentId);

        var existing = await session.LoadAsync<VolunteerHoursRecord>(recordId, ct);
        if (existing is null)
        {
            return await session.Start<VolunteerHoursRecord>(http, recordId, VolunteerHoursDecider.Decide(command, null),
                $"/api/activities/{id}/volunteer-hours/{studentId}", ct);
        }
        return await session.Change<VolunteerHoursRecord>(http, recordId, null, state => VolunteerHoursDecider.Decide(command, state), ct);
    }

    private static async Task<Ok<VolunteerHoursRecord>> Approve(
        Guid id, Guid studentId, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        var recordId = VolunteerHoursRecord.IdFor(id, studentId);
        var record = await session.LoadAsync<VolunteerHoursRecord>(recordId, ct);
        var activity = await session.LoadAsync<ActivityView>(id, ct);
        if (record is null || activity is null || !MaySee(caller, record, activity))
        {
            throw new NotFoundException("未找到该志愿时长记录 / No such volunteer hours record in your scope.");
        }
        if (caller.Role != Role.Teacher
            || (caller.SchoolId != record.SchoolId && caller.SchoolId != activity.SchoolId))
        {
            throw new ForbiddenException("志愿时长由学生所在学校或主办学校的教师认定 / Hours are approved by a teacher of the student's or the running school.");
        }
        var command = new ApproveVolunteerHours(id, studentId, caller.Subject, clock.GetUtcNow());
        return await session.Change<VolunteerHoursRecord>(http, recordId, null, state => VolunteerHoursDecider.Decide(command, state), ct);
    }

    private static async Task<Results<Ok<VolunteerHoursRecord>, StatusCodeHttpResult>> Get(
        Guid id, Guid studentId, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        var caller = http.Caller();
        var record = await session.LoadAsync<VolunteerHoursRecord>(VolunteerHoursRecord.IdFor(id, studentId), ct);
        var activity = await session.LoadAsync<ActivityView>(id, ct);
        if (record is null || activity is null || !MaySee(caller, record, activity))
        {
            throw new NotFoundException("未找到该志愿时长记录 / No such volunteer hours record in your scope.");
        }
        return http.Versioned(record, record.Version);
    }

    private static async Task<Ok<StudentHours>> OfStudent(Guid studentId, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        var caller = http.Caller();
        var query = session.Query<VolunteerHoursRecord>().Where(r => r.StudentId == studentId);
        if (caller.StudentRecordsScope(studentId, "学生的志愿时长仅家长和本校可见 / A student's hours are for the parents and the school.") is { } school)
        {
            query = query.Where(r => r.SchoolId == school);
        }
        var records = await query.OrderBy(r => r.RecordedAt).Take(Paging.MaxPageSize).ToListAsync(ct);
        return TypedResults.Ok(new StudentHours(studentId,
            records.Where(r => r.Status == VolunteerHoursStatus.Approved).Sum(r => r.Hours),
            records.Where(r => r.Status == VolunteerHoursStatus.Recorded).Sum(r => r.Hours),
            records));
    }

    private static async Task<Ok<SchoolHours>> OfSchool(
        Guid schoolId, HttpContext http, IQuerySession session, IMasterKey master, CancellationToken ct)
    {
        var caller = http.Caller();
        var mine = (caller.IsStaff() || caller.Role == Role.Counsellor) && caller.SchoolId == schoolId;
        var school = await session.SchoolAsync(schoolId, ct);
        if (!mine && !(caller.IsAdministration && school is not null && caller.Covers(school.CountyCode)))
        {
            throw new NotFoundException("未找到该学校 / No such school in your scope.");
        }
        var approved = await session.Query<VolunteerHoursRecord>()
            .Where(r => r.SchoolId == schoolId && r.Status == VolunteerHoursStatus.Approved)
            .ToListAsync(ct);
        var keys = await PersonalDataVault.LoadKeysAsync(session, master,
            approved.Where(r => r.SealedClass is not null).Select(r => r.SealedClass!.KeyId), ct);
        // An erased student's class no longer opens: their hours count under no class.
        var classes = approved.GroupBy(r => (r.SealedClass is null ? r.ClassName : PersonalDataVault.Open<string>(keys, r.SealedClass)) ?? "")
            .Select(g => new HoursTotal(g.Key == "" ? null : g.Key, g.Sum(r => r.Hours), g.Select(r => r.StudentId).Distinct().Count()))
            .OrderBy(c => c.ClassName)
            .ToList();
        return TypedResults.Ok(new SchoolHours(schoolId, approved.Sum(r => r.Hours),
            approved.Select(r => r.StudentId).Distinct().Count(), classes));
    }

    private static bool MaySee(Caller caller, VolunteerHoursRecord r, ActivityView a) =>
        caller.IsParentOf(r.StudentId)
        || ((caller.IsStaff() || caller.Role == Role.Counsellor) && caller.SchoolId is not null && r.SchoolId == caller.SchoolId)
        || caller.CanRun(a)
        || (caller.IsAdministration && caller.Covers(a.CountyCode));
}
