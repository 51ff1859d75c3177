namespace JiaoLianTi.ParentSchool.Contracts;

// ParentSchool's (数字家长学校) integration events. Parents appear by an opaque id that ParentSchool gives them.
// Version 1. Contracts change only by adding optional members; a breaking change is a new record.

/// <summary>微课程发布: a micro-course (or a new version of it) was published.</summary>
/// <param name="Topic"><c>PhoneUse</c>, <c>Resilience</c>, <c>MentalHealth</c>, <c>Safety</c>, <c>StudyHabits</c>,
/// <c>ParentChildCommunication</c>, <c>Law</c> …</param>
/// <param name="Scope"><c>Province</c>, <c>County</c> or <c>School</c>.</param>
/// <param name="RegionCode">The division code of the province or county (the school's county for a school course).</param>
public sealed record CoursePublished(
    Guid CourseId, int Version, string Title, string Topic, string Scope, string RegionCode, Guid? SchoolId,
    DateTimeOffset PublishedAt);

/// <summary>微课程下架: a course was retired; nobody new may enrol.</summary>
public sealed record CourseRetired(Guid CourseId, DateTimeOffset RetiredAt);

/// <summary>结业: a parent completed a course; <paramref name="CertificateId"/> verifies the certificate.</summary>
public sealed record EnrolmentCompleted(
    Guid EnrolmentId, Guid ParentId, Guid CourseId, Guid? SchoolId, string CountyCode, Guid CertificateId,
    DateTimeOffset CompletedAt);
