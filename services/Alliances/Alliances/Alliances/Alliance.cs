namespace JiaoLianTi.Alliances.Alliances;

/// <summary>教联体: the alliance stream's state, also its inline read model (read-your-writes).</summary>
public sealed record Alliance(
    Guid Id, string Name, AllianceKind Kind, string CountyCode, string LeadUnit, AllianceStatus Status,
    DateTimeOffset EstablishedAt)
{
    /// <summary>The stream version, set by Marten; the ETag.</summary>
    public long Version { get; set; }

    public static Alliance Create(AllianceEstablished e) =>
        new(e.AllianceId, e.Name, e.Kind, e.CountyCode, e.LeadUnit, AllianceStatus.Established, e.At);
}
