using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Http;

namespace JiaoLianTi.CampusSafety.Drills;

public record PlanDrill(Guid DrillId, Guid SchoolId, string CountyCode, DrillKind Kind, DateTimeOffset PlannedFor, string By, DateTimeOffset Now);
public record CompleteDrill(int Participants, TimeSpan Duration, IReadOnlyList<string> Findings, string By, DateTimeOffset Now);
public record CompleteFollowUp(Guid ActionId, string Note, string By, DateTimeOffset Now);

/// <summary>The drill's rules, pure.</summary>
public static class DrillDecider
{
    /// <summary>Each school carries out at least one drill of each of these kinds every term (每学期).</summary>
    public static readonly IReadOnlyList<DrillKind> RequiredPerTerm = [DrillKind.Evacuation, DrillKind.Fire];

    public static IReadOnlyList<object> Decide(PlanDrill c) =>
        [new DrillPlanned(c.DrillId, c.SchoolId, c.CountyCode, c.Kind, c.PlannedFor, c.By, c.Now)];

    public static IReadOnlyList<object> Decide(CompleteDrill c, EmergencyDrill s)
    {
        if (s.Status == DrillStatus.Completed)
        {
            throw new RuleViolation("drill-completed", "该演练已完成 / The drill has been completed already.");
        }
        if (c.Participants < 1 || c.Duration <= TimeSpan.Zero || c.Duration > TimeSpan.FromHours(8))
        {
            throw new RuleViolation("drill-figures", "参与人数须大于 0，时长在 0 到 8 小时之间 / Participants above 0 and a duration up to 8 hours.");
        }
        var actions = c.Findings.Select((f, i) => new FollowUpAction(NameBasedIds.Create(s.Id, $"drill-action:{i}"), f.Trim(), false)).ToList();
        return [new DrillCarriedOut(s.Id, s.SchoolId, s.CountyCode, s.Kind, c.Participants, c.Duration, actions, Terms.Of(c.Now), c.By, c.Now)];
    }

    public static IReadOnlyList<object> Decide(CompleteFollowUp c, EmergencyDrill s)
    {
        var action = s.Actions.FirstOrDefault(a => a.Id == c.ActionId)
            ?? throw new NotFoundException($"未找到整改事项 / Follow-up action {c.ActionId} was not found.");
        if (action.Done)
        {
            throw new RuleViolation("action-done", "该整改事项已完成 / The action is done already.");
        }
        return [new DrillFollowUpDone(s.Id, action.Id, c.Note.Trim(), c.By, c.Now)];
    }
}
