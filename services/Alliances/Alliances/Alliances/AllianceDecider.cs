using JiaoLianTi.Platform.Http;

namespace JiaoLianTi.Alliances.Alliances;

public record EstablishAlliance(
    Guid AllianceId, string Name, AllianceKind Kind, string CountyCode, string LeadUnit, string EstablishedBy,
    DateTimeOffset Now);

/// <summary>The alliance's business rules, pure: state and command in, events out (or a refusal).</summary>
public static class AllianceDecider
{
    public static IReadOnlyList<object> Decide(EstablishAlliance command, Alliance? state) => state switch
    {
        null =>
        [
            new AllianceEstablished(command.AllianceId, command.Name.Trim(), command.Kind, command.CountyCode,
                command.LeadUnit.Trim(), command.EstablishedBy, command.Now),
        ],
        _ => throw new RuleViolation("alliance-exists", $"教联体 {command.AllianceId} 已存在 / The alliance already exists."),
    };
}
