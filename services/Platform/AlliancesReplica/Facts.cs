using JiaoLianTi.Alliances.Contracts;

namespace JiaoLianTi.Platform.AlliancesReplica;

// 联盟事实副本: what a service knows of Alliances' facts, kept in its own database from Alliances' integration events.
// One set of documents and consumers for every service (docs/architecture.md, "The replica of Alliances' facts").
// Every document remembers the version and time of the newest fact applied to it: an older fact arriving later
// (a retry, a redelivery, a competing consumer) never undoes a newer one (FactOrder, docs/design.md 16).

/// <summary>What every replica document holds to order the facts about it.</summary>
public abstract class Fact
{
    /// <summary>The stream version in Alliances of the newest fact applied (0: unknown, an old message).</summary>
    public long Version { get; set; }

    /// <summary>The time of the newest fact applied; null while none has been.</summary>
    public DateTimeOffset? FactAt { get; set; }

    /// <summary>True when a fact of that version and time is newer than what this document holds (see FactOrder).</summary>
    public bool IsOlderThan(long? version, DateTimeOffset at, bool ends = false) => FactOrder.IsNewer(version, at, Version, FactAt, ends);

    /// <summary>Records that a fact of that version and time is now the newest applied.</summary>
    public void Saw(long? version, DateTimeOffset at)
    {
        Version = version ?? 0;
        FactAt = at;
    }
}

/// <summary>成员单位: a member unit as Alliances registered it (a school, a police station, a hospital ...).</summary>
public sealed class KnownUnit : Fact
{
    public Guid Id { get; set; }
    /// <summary>One of <see cref="MemberUnitKinds"/>.</summary>
    public string Kind { get; set; } = "";
    public string Name { get; set; } = "";
    public string CountyCode { get; set; } = "";
    public DateTimeOffset RegisteredAt { get; set; }

    public bool IsSchool => Kind == MemberUnitKinds.School;

    /// <summary>The department its kind belongs to (see <see cref="UnitDepartments"/>), or null.</summary>
    public Identity.Department? Department => UnitDepartments.Of(Kind);
}

/// <summary>The lifecycle of an alliance as the replica knows it.</summary>
public enum KnownAllianceStatus { Established, Suspended, Dissolved }

/// <summary>
/// 教联体: an alliance. Its status is the newest lifecycle fact's; a dissolved alliance stays dissolved (dissolution is
/// final in Alliances, so no newer fact can follow it). What an older fact describes (its name, its lead) fills in what
/// the document lacks when the facts arrived out of order.
/// </summary>
public sealed class KnownAlliance : Fact
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    /// <summary><c>Regional</c> or <c>School</c>.</summary>
    public string Kind { get; set; } = "";
    public string CountyCode { get; set; } = "";
    /// <summary>The name of the unit that leads it.</summary>
    public string LeadUnit { get; set; } = "";
    /// <summary>The registered member unit that leads it (the school of a school alliance), if any.</summary>
    public Guid? LeadUnitId { get; set; }
    /// <summary>When it was (first) established; null while only a later fact has arrived.</summary>
    public DateTimeOffset? EstablishedAt { get; set; }
    public KnownAllianceStatus Status { get; set; }
    public DateTimeOffset? DissolvedAt { get; set; }

    public bool Dissolved => Status == KnownAllianceStatus.Dissolved;
}

/// <summary>
/// One unit's membership of one alliance (MemberJoined, until MemberLeft or the alliance's dissolution). A document of
/// its own rather than a list inside the alliance, so that members joining at the same moment never overwrite each
/// other. An ended membership stays as a tombstone, so that a late MemberJoined does not bring it back.
/// </summary>
public sealed class KnownMembership : Fact
{
    public string Id { get; set; } = "";
    public Guid AllianceId { get; set; }
    public Guid UnitId { get; set; }
    public string UnitKind { get; set; } = "";
    /// <summary><c>Lead</c>, <c>Member</c> …</summary>
    public string Role { get; set; } = "";
    public string CountyCode { get; set; } = "";
    public DateTimeOffset? JoinedAt { get; set; }
    public DateTimeOffset? LeftAt { get; set; }
    /// <summary>True while the unit is a member: joined, not left since, and its alliance not dissolved.</summary>
    public bool Active { get; set; }

    public static string IdOf(Guid allianceId, Guid unitId) => $"{allianceId:N}:{unitId:N}";
}

/// <summary>
/// 资源: a resource a member unit offers an alliance (ResourcePublished, until ResourceWithdrawn). A withdrawn resource
/// stays withdrawn: a ResourcePublished arriving after the withdrawal only fills in what it describes.
/// </summary>
public sealed class KnownResource : Fact
{
    public Guid Id { get; set; }
    public Guid AllianceId { get; set; }
    public Guid UnitId { get; set; }
    /// <summary><c>Venue</c>, <c>Course</c>, <c>Expert</c> or <c>VolunteerPlaces</c>.</summary>
    public string Kind { get; set; } = "";
    public string Title { get; set; } = "";
    public List<string> Topics { get; set; } = [];
    /// <summary>How many people it takes at once: an activity using it may not offer more seats.</summary>
    public int Capacity { get; set; }
    public string CountyCode { get; set; } = "";
    public DateTimeOffset? PublishedAt { get; set; }
    public bool Withdrawn { get; set; }
    public string? WithdrawnReason { get; set; }
    public DateTimeOffset? WithdrawnAt { get; set; }
}
