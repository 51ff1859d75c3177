using JiaoLianTi.Activities.Activities;
using JiaoLianTi.Platform.AlliancesReplica;
using JiaoLianTi.Activities.Registrations;
using JiaoLianTi.Activities.VolunteerHours;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.Activities.Participation;

/// <summary>A school's participation figures over a period (by the activities' start).</summary>
public sealed record SchoolParticipation(
    Guid SchoolId, DateTimeOffset? From, DateTimeOffset? To, IReadOnlyDictionary<string, int> ActivitiesByStatus,
    IReadOnlyDictionary<string, int> ActivitiesByKind, int StudentsRegistered, int Confirmed, int Waitlisted,
    int Attended, decimal VolunteerHoursApproved);

public static class ParticipationApi
{
    public static RouteGroupBuilder MapParticipationEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/activities/schools").WithTags("Participation 参与情况");
        group.MapGet("/{schoolId:guid}/participation", Get).WithSummary("学校的参与情况 / A school's participation figures");
        return group;
    }

    private static async Task<Ok<SchoolParticipation>> Get(
        Guid schoolId, HttpContext http, IQuerySession session, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct)
    {
        var caller = http.Caller();
        var mine = (caller.IsStaff() || caller.Role == Role.Counsellor) && caller.SchoolId == schoolId;
        var school = await session.SchoolAsync(schoolId, ct);
        if (!mine && !(caller.IsAdministration && school is not null && caller.Covers(school.CountyCode)))
        {
            throw new NotFoundException("未找到该学校 / No such school in your scope.");
        }

        var activities = session.Query<ActivityView>().Where(a => a.SchoolId == schoolId);
        if (from is { } f) activities = activities.Where(a => a.StartsAt >= f);
        if (to is { } t) activities = activities.Where(a => a.StartsAt < t);
        var run = await activities.ToListAsync(ct);

        // The school's students, in any activity (its own or others') that starts in the period.
        var registrations = await session.Query<StudentRegistration>().Where(r => r.SchoolId == schoolId).ToListAsync(ct);
        var inPeriod = (await session.LoadManyAsync<ActivityView>(ct, registrations.Select(r => r.ActivityId).Distinct()))
            .Where(a => (from is null || a.StartsAt >= from) && (to is null || a.StartsAt < to))
            .Select(a => a.Id).ToHashSet();
        registrations = registrations.Where(r => inPeriod.Contains(r.ActivityId)).ToList();
        var hours = await session.Query<VolunteerHoursRecord>()
            .Where(r => r.SchoolId == schoolId && r.Status == VolunteerHoursStatus.Approved).ToListAsync(ct);

        return TypedResults.Ok(new SchoolParticipation(schoolId, from, to,
            Enum.GetValues<ActivityStatus>().ToDictionary(s => s.ToString(), s => run.Count(a => a.Status == s)),
            Enum.GetValues<ActivityKind>().ToDictionary(k => k.ToString(), k => run.Count(a => a.Kind == k)),
            registrations.Where(r => r.Status != RegistrationStatus.Cancelled).Select(r => r.StudentId).Distinct().Count(),
            registrations.Count(r => r.Status == RegistrationStatus.Confirmed),
            registrations.Count(r => r.Status == RegistrationStatus.Waitlisted),
            registrations.Count(r => r.Attended == true),
            hours.Where(h => inPeriod.Contains(h.ActivityId)).Sum(h => h.Hours)));
    }
}
