using JasperFx.Events;
using JiaoLianTi.ParentSchool.Courses;
using JiaoLianTi.ParentSchool.Enrolments;
using JiaoLianTi.Platform.Messaging;
using Contracts = JiaoLianTi.ParentSchool.Contracts;

namespace JiaoLianTi.ParentSchool.Integration;

/// <summary>Which internal events leave ParentSchool, and as which contract. Parents leave only as opaque ids.</summary>
public sealed class ParentSchoolEventsMap : IIntegrationEventMap
{
    /// <inheritdoc />
    public IReadOnlyCollection<Type> EventTypes { get; } =
    [
        typeof(CoursePublished),
        typeof(CourseRetired),
        typeof(EnrolmentCompleted),
    ];

    public object? ToIntegrationEvent(IEvent @event) => @event.Data switch
    {
        CoursePublished e => new Contracts.CoursePublished(e.CourseId, e.Version, e.Content.Title, e.Content.Topic.ToString(),
            e.Scope.ToString(), e.RegionCode, e.SchoolId, e.At),
        CourseRetired e => new Contracts.CourseRetired(e.CourseId, e.At),
        EnrolmentCompleted e => new Contracts.EnrolmentCompleted(e.EnrolmentId, e.ParentId, e.CourseId, e.SchoolId,
            e.CountyCode, e.CertificateId, e.At),
        _ => null,
    };
}
