using JasperFx.Events;
using JiaoLianTi.Activities.Activities;
using JiaoLianTi.Activities.VolunteerHours;
using JiaoLianTi.Platform.Messaging;
using Contracts = JiaoLianTi.Activities.Contracts;
using JiaoLianTi.Activities.Registrations;

namespace JiaoLianTi.Activities.Integration;

/// <summary>Which internal events leave Activities, and as which contract. Students leave by opaque id only.</summary>
public sealed class ActivityEventsMap : IIntegrationEventMap
{
    public object? ToIntegrationEvent(IEvent @event) => @event.Data switch
    {
        ActivityOpened e => new Contracts.ActivityPublished(e.ActivityId, e.Facts.Kind.ToString(), e.Facts.SchoolId,
            e.Facts.AllianceId, e.Facts.ResourceId, e.Facts.Title, e.Facts.StartsAt, e.Facts.EndsAt, e.Facts.Seats,
            e.Facts.CountyCode, e.Facts.Topics, e.At),
        ActivityCancelled e => new Contracts.ActivityCancelled(e.ActivityId, e.Reason, e.At),
        ActivityCompleted e => new Contracts.ActivityCompleted(e.ActivityId, e.Facts.Kind.ToString(), e.Facts.SchoolId,
            e.Facts.CountyCode, e.Facts.Topics, e.At),
        SafetyPlanRequested e => new Contracts.SafetyPlanRequested(e.ActivityId, e.Facts.SchoolId, e.Facts.CountyCode,
            e.Facts.Title, e.Facts.Location, e.Facts.StartsAt, e.Facts.EndsAt, e.Facts.Seats, e.Arrangements, e.At),
        RegistrationConfirmed e => new Contracts.RegistrationConfirmed(e.ActivityId, e.StudentId, e.At),
        WaitlistPromoted e => new Contracts.RegistrationConfirmed(e.ActivityId, e.StudentId, e.At, FromWaitlist: true),
        VolunteerHoursApproved e => new Contracts.VolunteerHoursApproved(e.ActivityId, e.StudentId, e.Hours, e.At),
        _ => null,
    };
}
