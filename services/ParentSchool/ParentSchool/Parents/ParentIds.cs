using JiaoLianTi.Platform.EventStore;

namespace JiaoLianTi.ParentSchool.Parents;

/// <summary>
/// A parent's opaque id: a name-based UUID (<see cref="NameBasedIds"/>) of the token subject. Deterministic, so no mapping
/// table is needed and no subject ever appears in an event or a contract. The enrolment id is derived the same way
/// from (parent, course), so the hot path finds a parent's enrolment without a lookup.
/// </summary>
public static class ParentIds
{
    private static readonly Guid Namespace = new("5b0c3f3e-8a8e-4c1e-9d0f-6a1f0e2b7c41");

    public static Guid Of(string subject) => NameBasedIds.Create(Namespace, "parent:" + subject);

    public static Guid EnrolmentOf(Guid parentId, Guid courseId) => NameBasedIds.Create(Namespace, $"enrolment:{parentId:N}:{courseId:N}");
}
