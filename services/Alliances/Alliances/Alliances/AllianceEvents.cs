namespace JiaoLianTi.Alliances.Alliances;

public enum AllianceKind
{
    /// <summary>区域教联体: led by a county (district) education bureau.</summary>
    Regional,
    /// <summary>校级教联体: led by one school.</summary>
    School,
}

public enum AllianceStatus { Established }

public record AllianceEstablished(
    Guid AllianceId, string Name, AllianceKind Kind, string CountyCode, string LeadUnit, string EstablishedBy,
    DateTimeOffset At);
