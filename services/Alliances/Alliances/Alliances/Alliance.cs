using JiaoLianTi.Alliances.Units;

namespace JiaoLianTi.Alliances.Alliances;

/// <summary>
/// A status the alliance entered, when, and who changed it (the token's subject): coverage "as of any date" reads
/// this history, and the county sees who did what.
/// </summary>
public sealed record StatusChange(AllianceStatus Status, DateTimeOffset At, string? Reason = null, string? By = null);

/// <summary>A current member of the alliance.</summary>
public sealed record Member(Guid UnitId, MemberUnitKind UnitKind, MemberRole Role, DateTimeOffset JoinedAt);

/// <summary>
/// One line of the alliance list: the alliance without its charter, status history and members (its detail has them),
/// and how many current members it has. A county's regional alliance has every unit of the county as a member (120 in
/// a county of the province seed): listed whole, one alliance was 16 KB.
/// </summary>
public sealed record AllianceSummary(
    Guid Id, string Name, AllianceKind Kind, string CountyCode, string LeadUnit, AllianceStatus Status,
    DateTimeOffset? EstablishedAt, long Version, Guid? LeadUnitId, DateTimeOffset? ProposedAt, DateTimeOffset? SuspendedAt,
    DateTimeOffset? DissolvedAt, int MemberCount)
{
    public static AllianceSummary Of(Alliance a) => new(
        a.Id, a.Name, a.Kind, a.CountyCode, a.LeadUnit, a.Status, a.EstablishedAt, a.Version, a.LeadUnitId, a.ProposedAt,
        a.SuspendedAt, a.DissolvedAt, a.Members.Count);
}

/// <summary>教联体: the alliance stream's state, also its inline read model (read-your-writes).</summary>
public sealed record Alliance(
    Guid Id, string Name, AllianceKind Kind, string CountyCode, string LeadUnit, AllianceStatus Status,
    DateTimeOffset? EstablishedAt)
{
    /// <summary>The stream version, set by Marten; the ETag.</summary>
    public long Version { get; set; }

    public Guid? LeadUnitId { get; init; }
    public string? Charter { get; init; }
    public DateTimeOffset? ProposedAt { get; init; }
    public DateTimeOffset? SuspendedAt { get; init; }
    public string? SuspensionReason { get; init; }
    public DateTimeOffset? DissolvedAt { get; init; }
    public string? DissolutionReason { get; init; }
    public IReadOnlyList<StatusChange> History { get; init; } = [];
    public IReadOnlyList<Member> Members { get; init; } = [];

    public bool IsMember(Guid unitId) => Members.Any(m => m.UnitId == unitId);

    /// <summary>The status the alliance had at <paramref name="asOf"/>, or null if it did not exist yet.</summary>
    public AllianceStatus? StatusAsOf(DateTimeOffset asOf) =>
        History.LastOrDefault(h => h.At <= asOf)?.Status;

    public static Alliance Create(AllianceProposed e) =>
        new(e.AllianceId, e.Name, e.Kind, e.CountyCode, e.LeadUnit, AllianceStatus.Proposed, null)
        {
            LeadUnitId = e.LeadUnitId, Charter = e.Charter, ProposedAt = e.At,
            History = [new StatusChange(AllianceStatus.Proposed, e.At, By: e.ProposedBy)],
        };

    public static Alliance Create(AllianceEstablished e) =>
        new(e.AllianceId, e.Name, e.Kind, e.CountyCode, e.LeadUnit, AllianceStatus.Established, e.At)
        {
            LeadUnitId = e.LeadUnitId, Charter = e.Charter,
            History = [new StatusChange(AllianceStatus.Established, e.At, By: e.EstablishedBy)],
        };

    public Alliance Apply(AllianceEstablished e) => this with
    {
        Status = AllianceStatus.Established, EstablishedAt = e.At, Charter = e.Charter ?? Charter,
        History = [.. History, new StatusChange(AllianceStatus.Established, e.At, By: e.EstablishedBy)],
    };

    public Alliance Apply(AllianceSuspended e) => this with
    {
        Status = AllianceStatus.Suspended, SuspendedAt = e.At, SuspensionReason = e.Reason,
        History = [.. History, new StatusChange(AllianceStatus.Suspended, e.At, e.Reason, e.SuspendedBy)],
    };

    public Alliance Apply(AllianceReestablished e) => this with
    {
        Status = AllianceStatus.Established, SuspendedAt = null, SuspensionReason = null,
        History = [.. History, new StatusChange(AllianceStatus.Established, e.At, By: e.ReestablishedBy)],
    };

    public Alliance Apply(AllianceDissolved e) => this with
    {
        Status = AllianceStatus.Dissolved, DissolvedAt = e.At, DissolutionReason = e.Reason,
        History = [.. History, new StatusChange(AllianceStatus.Dissolved, e.At, e.Reason, e.DissolvedBy)],
    };

    public Alliance Apply(CharterAmended e) => this with { Charter = e.Charter };

    public Alliance Apply(MemberJoined e) => this with
    {
        Members = [.. Members, new Member(e.UnitId, e.UnitKind, e.Role, e.At)],
    };

    public Alliance Apply(MemberLeft e) => this with
    {
        Members = Members.Where(m => m.UnitId != e.UnitId).ToArray(),
    };
}
