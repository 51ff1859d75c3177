using JasperFx.Events;
using JiaoLianTi.Activities.Activities;
using JiaoLianTi.Activities.VolunteerHours;
using JiaoLianTi.Platform.Messaging;
using Contracts = JiaoLianTi.Activities.Contracts;
using JiaoLianTi.Activities.Programmes;
using JiaoLianTi.Activities.Registrations;

namespace JiaoLianTi.Activities.Integration;

/// <summary>Which internal events leave Activities, and as which contract. Students leave by opaque id only.</summary>
public sealed class ActivityEventsMap : IIntegrationEventMap
{
    /// <inheritdoc />
    public IReadOnlyCollection<Type> EventTypes { get; } =
    [
        typeof(ActivityOpened),
        typeof(ActivityCancelled),
        typeof(ActivityCompleted),
        typeof(SafetyPlanRequested),
        typeof(RegistrationConfirmed),
        typeof(WaitlistPromoted),
        typeof(VolunteerHoursApproved),
        typeof(ProgrammeOpened),
        typeof(SessionAttendanceRecorded),
        typeof(ProgrammeProviderLeft),
    ];

    public object? ToIntegrationEvent(IEvent @event) => @event.Data switch
    {
        ActivityOpened e => new Contracts.ActivityPublished(e.ActivityId, e.Facts.Kind.ToString(), e.Facts.SchoolId,
            e.Facts.AllianceId, e.Facts.ResourceId, e.Facts.Title, e.Facts.StartsAt, e.Facts.EndsAt, e.Facts.Seats,
            e.Facts.CountyCode, e.Facts.Topics, e.At, Names(e.Facts.Serves()), e.Facts.BaseId),
        ActivityCancelled e => new Contracts.ActivityCancelled(e.ActivityId, e.Reason, e.At, e.StudentIds),
        ActivityCompleted e => new Contracts.ActivityCompleted(e.ActivityId, e.Facts.Kind.ToString(), e.Facts.SchoolId,
            e.Facts.CountyCode, e.Facts.Topics, e.At, Names(e.Facts.Serves())),
        SafetyPlanRequested e => new Contracts.SafetyPlanRequested(e.ActivityId, e.Facts.SchoolId, e.Facts.CountyCode,
            e.Facts.Title, e.Facts.Location, e.Facts.StartsAt, e.Facts.EndsAt, e.Facts.Seats, e.Arrangements, e.At),
        RegistrationConfirmed e => new Contracts.RegistrationConfirmed(e.ActivityId, e.StudentId, e.At),
        WaitlistPromoted e => new Contracts.RegistrationConfirmed(e.ActivityId, e.StudentId, e.At, FromWaitlist: true),
        VolunteerHoursApproved e => new Contracts.VolunteerHoursApproved(e.ActivityId, e.StudentId, e.Hours, e.At),
        ProgrammeOpened e => new Contracts.ProgrammePublished(e.ProgrammeId, e.Facts.SchoolId, e.Facts.CountyCode,
            e.Facts.Term, e.Facts.Title, e.Facts.Weekdays.Select(d => d.ToString()).ToArray(), Time(e.Facts.StartTime),
            Time(e.Facts.EndTime), e.Facts.Places, e.Facts.Provider.Kind.ToString(), e.Facts.Provider.UnitId,
            e.Facts.Provider.AllianceId, e.Facts.Provider.ResourceId, Names(e.Facts.Dimensions), e.Facts.BaseId, e.At),
        SessionAttendanceRecorded { First: true } e => new Contracts.ProgrammeSessionHeld(e.ProgrammeId, e.Held.SchoolId,
            e.Held.CountyCode, e.Held.Term, e.Date, e.Held.Hours, e.Held.Provider.Kind.ToString(), e.Held.Provider.UnitId, e.At),
        ProgrammeProviderLeft e => new Contracts.ProgrammeProviderLeft(e.ProgrammeId, e.SchoolId, e.UnitId, e.AllianceId, e.At),
        _ => null,
    };

    private static string Time(TimeOnly t) => t.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    private static IReadOnlyList<string> Names(IEnumerable<Dimensions.Dimension> dimensions) =>
        dimensions.Select(d => d.ToString()).ToArray();
}
