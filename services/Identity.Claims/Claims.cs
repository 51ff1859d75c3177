namespace JiaoLianTi.Platform.Identity;

/// <summary>Who signs in (docs/glossary.md, Roles). The claim carries these names exactly.</summary>
public enum Role
{
    ProvinceAdmin,
    CityAdmin,
    CountyAdmin,
    SchoolAdmin,
    Teacher,
    Counsellor,
    Parent,
    MemberOfficer,
    /// <summary>运维人员: runs the system (periodic checks, messages); reads no domain data (docs/design.md 15).</summary>
    Operator,
    /// <summary>
    /// 部门工作人员: an officer of a county (city, province) department (<see cref="Department"/>, claim
    /// <c>department</c>) who follows, read-only, what concerns their department inside their region.
    /// </summary>
    DepartmentOfficer,
    /// <summary>
    /// 事件中继: a service account (the Subscriptions service) that reads each service's feed of integration events
    /// (<c>/internal/integration-events</c>) and nothing else; it reads no domain record. Its token needs no region
    /// and no school.
    /// </summary>
    EventRelay,
}

/// <summary>
/// 部门: the kinds of department shared by member units and by the <see cref="Role.DepartmentOfficer"/> role
/// (docs/glossary.md). The claim carries these names exactly.
/// </summary>
public enum Department
{
    /// <summary>公安</summary>
    PublicSecurity,
    /// <summary>交警</summary>
    TrafficPolice,
    /// <summary>市场监管</summary>
    MarketRegulation,
    /// <summary>卫健</summary>
    Health,
    /// <summary>民政</summary>
    CivilAffairs,
    /// <summary>妇联</summary>
    WomensFederation,
    /// <summary>团委</summary>
    YouthLeague,
}

/// <summary>The claim names of a JiaoLianTi token.</summary>
public static class ClaimNames
{
    public const string Role = "role";
    /// <summary>A division-code prefix: "51" a province, "5101" a city, "510104" a county.</summary>
    public const string Region = "region";
    public const string SchoolId = "school_id";
    public const string MemberUnitId = "member_unit_id";
    public const string Subject = "sub";
    public const string Name = "name";
    /// <summary>A parent's child, by opaque student id; one claim per child (the guardian link comes from the
    /// province's identity provider, not from us).</summary>
    public const string Child = "child";
    /// <summary>A department officer's department: one of <see cref="Identity.Department"/>.</summary>
    public const string Department = "department";
}

/// <summary>
/// Reads an enum from text the one strict way, wherever text comes from (a claim, a query, a route, a body): only a
/// defined name, spelled exactly. <c>Enum.TryParse</c> also takes numbers ("2", "99"), comma lists
/// ("Teacher,CountyAdmin") and padding (" CountyAdmin "), which let undefined values into decisions and stored events.
/// </summary>
public static class ExactName
{
    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum
    {
        if (text is not null)
        {
            foreach (var name in Enum.GetNames<T>())
            {
                if (string.Equals(name, text, StringComparison.Ordinal))
                {
                    value = Enum.Parse<T>(name);
                    return true;
                }
            }
        }
        value = default;
        return false;
    }

    /// <summary>The same for an enum known only at run time (a parameter's type).</summary>
    public static bool IsName(Type enumType, string? text) =>
        text is not null && Array.IndexOf(Enum.GetNames(enumType), text) >= 0;
}
