namespace JiaoLianTi.ParentSchool.Contracts;

// ParentSchool's (数字家长学校) integration events. Parents appear by an opaque id that ParentSchool gives them.
// Version 1. Contracts change only by adding optional members; a breaking change is a new record.

/// <summary>微课程发布: a micro-course (or a new version of it) was published.</summary>
/// <param name="Topic"><c>PhoneUse</c>, <c>Resilience</c>, <c>MentalHealth</c>, <c>Safety</c>, <c>StudyHabits</c>,
/// <c>ParentChildCommunication</c>, <c>Law</c> …</param>
/// <param name="Scope"><c>Province</c>, <c>County</c> or <c>School</c>.</param>
/// <param name="RegionCode">The division code of the province or county (the school's county for a school course).</param>
/// <zh>微课程发布：家长学校发布了一门微课程（或其新版本）。</zh>
/// <en>A micro-course of the parent school (or a new version of it) was published.</en>
/// <version>1</version>
public sealed record CoursePublished(
    Guid CourseId, int Version, string Title, string Topic, string Scope, string RegionCode, Guid? SchoolId,
    DateTimeOffset PublishedAt);

/// <summary>微课程下架: a course was retired; nobody new may enrol.</summary>
/// <zh>微课程下架：课程下架，不再接受新的学习。</zh>
/// <en>A course was retired; nobody new may enrol.</en>
/// <version>1</version>
public sealed record CourseRetired(Guid CourseId, DateTimeOffset RetiredAt);

/// <summary>结业: a parent completed a course; <paramref name="CertificateId"/> verifies the certificate.</summary>
/// <zh>结业：家长（不透明 id）完成了一门课程，附证书编号。</zh>
/// <en>A parent (opaque id) completed a course; the certificate id verifies the certificate.</en>
/// <version>1</version>
public sealed record EnrolmentCompleted(
    Guid EnrolmentId, Guid ParentId, Guid CourseId, Guid? SchoolId, string CountyCode, Guid CertificateId,
    DateTimeOffset CompletedAt);
