namespace JiaoLianTi.Console.Api;

/// <summary>
/// 课后服务的提供方 as a form holds it: the school's own staff (by name), or a member unit's published resource in one of
/// the school's alliances. Used to create a programme and to change its provider.
/// </summary>
public sealed class ProviderChoice
{
    public string Kind { get; set; } = "SchoolStaff";
    public string Name { get; set; } = "";
    public string AllianceId { get; set; } = "";
    public string ResourceId { get; set; } = "";

    public bool IsUnit => Kind == "MemberUnit";

    /// <summary>A member unit chosen without its resource: which field to fill, before anything is sent.</summary>
    public ApiProblem? Incomplete() => !IsUnit || Guid.TryParse(ResourceId, out _) ? null
        : Guid.TryParse(AllianceId, out _)
            ? ApiProblem.Field("resourceId", "请选择成员单位的资源 / choose the unit's resource")
            : ApiProblem.Field("allianceId", "请先选择教联体 / choose the alliance first");

    /// <summary>The request's provider fields: <c>providerKind</c>, <c>resourceId</c>, <c>providerName</c>.</summary>
    public Guid? Resource => IsUnit && Guid.TryParse(ResourceId, out var r) ? r : null;

    public string? StaffName => IsUnit ? null : J.Blank(Name);
}
