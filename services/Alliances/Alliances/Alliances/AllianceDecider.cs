using JiaoLianTi.Alliances.Units;
using JiaoLianTi.Platform.Http;

namespace JiaoLianTi.Alliances.Alliances;

/// <summary>
/// Establishes (or, with <paramref name="ProposeOnly"/>, proposes) an alliance. <paramref name="Lead"/> is the
/// registered unit that leads it: required for a school alliance (a school of the same county), optional for a
/// regional one (the county bureau need not be in the directory).
/// </summary>
/// <remarks><paramref name="RegionalInCounty"/>: the county's regional alliance that is not dissolved, if any (one a county).</remarks>
public record EstablishAlliance(
    Guid AllianceId, string Name, AllianceKind Kind, string CountyCode, string LeadUnit, string EstablishedBy,
    DateTimeOffset Now, MemberUnit? Lead = null, string? Charter = null, bool ProposeOnly = false,
    Alliance? RegionalInCounty = null);

/// <summary>A proposed alliance is established. <paramref name="Lead"/> is its lead unit, loaded again.</summary>
public record EstablishProposedAlliance(Guid AllianceId, MemberUnit? Lead, string By, DateTimeOffset Now);
public record SuspendAlliance(Guid AllianceId, string Reason, string By, DateTimeOffset Now);
public record ReestablishAlliance(Guid AllianceId, string By, DateTimeOffset Now);
public record DissolveAlliance(Guid AllianceId, string Reason, string By, DateTimeOffset Now);
public record AmendCharter(Guid AllianceId, string Charter, string By, DateTimeOffset Now);
public record JoinAlliance(Guid AllianceId, MemberUnit Unit, MemberRole Role, string By, DateTimeOffset Now);
public record LeaveAlliance(Guid AllianceId, Guid UnitId, string Reason, string By, DateTimeOffset Now);

/// <summary>The alliance's business rules, pure: state and command in, events out (or a refusal).</summary>
public static class AllianceDecider
{
    public static IReadOnlyList<object> Decide(EstablishAlliance c, Alliance? state)
    {
        if (state is not null)
        {
            throw new RuleViolation("alliance-exists", $"教联体 {c.AllianceId} 已存在 / The alliance already exists.");
        }
        if (c.Kind == AllianceKind.Regional && c.RegionalInCounty is { } existing)
        {
            throw RegionalExists(c.CountyCode, existing.Status, existing.Id);
        }
        if (c.Kind == AllianceKind.School)
        {
            if (c.Lead is null || c.Lead.Kind != MemberUnitKind.School)
            {
                throw new RuleViolation("school-alliance-needs-school",
                    "校级教联体须由一所学校牵头 / A school alliance is led by a registered school.");
            }
            if (c.Lead.CountyCode != c.CountyCode)
            {
                throw new RuleViolation("school-alliance-outside-county",
                    $"牵头学校在 {c.Lead.CountyCode}，不在 {c.CountyCode} / The lead school lies outside the alliance's county.");
            }
        }
        var leadName = string.IsNullOrWhiteSpace(c.LeadUnit) ? c.Lead?.Name ?? "" : c.LeadUnit.Trim();
        var charter = string.IsNullOrWhiteSpace(c.Charter) ? null : c.Charter.Trim();
        if (c.ProposeOnly)
        {
            return [new AllianceProposed(c.AllianceId, c.Name.Trim(), c.Kind, c.CountyCode, leadName, c.Lead?.Id, charter,
                c.EstablishedBy, c.Now)];
        }
        var established = new AllianceEstablished(c.AllianceId, c.Name.Trim(), c.Kind, c.CountyCode, leadName,
            c.EstablishedBy, c.Now, c.Lead?.Id, charter);
        return c.Lead is null
            ? [established]
            : [established, new MemberJoined(c.AllianceId, c.Lead.Id, c.Lead.Kind, c.CountyCode, MemberRole.Lead, c.EstablishedBy, c.Now)];
    }

    public static IReadOnlyList<object> Decide(EstablishProposedAlliance c, Alliance state)
    {
        if (state.Status != AllianceStatus.Proposed)
        {
            throw new RuleViolation("alliance-not-proposed",
                $"只有筹建中的教联体可以成立，当前为 {state.Status} / Only a proposed alliance can be established; it is {state.Status}.");
        }
        var established = new AllianceEstablished(state.Id, state.Name, state.Kind, state.CountyCode, state.LeadUnit,
            c.By, c.Now, state.LeadUnitId, state.Charter);
        return c.Lead is null || state.IsMember(c.Lead.Id)
            ? [established]
            : [established, new MemberJoined(state.Id, c.Lead.Id, c.Lead.Kind, state.CountyCode, MemberRole.Lead, c.By, c.Now)];
    }

    public static IReadOnlyList<object> Decide(SuspendAlliance c, Alliance state) => state.Status switch
    {
        AllianceStatus.Established => [new AllianceSuspended(state.Id, state.CountyCode, c.Reason.Trim(), c.By, c.Now)],
        _ => throw new RuleViolation("alliance-not-established",
            $"只有已成立的教联体可以暂停，当前为 {state.Status} / Only an established alliance can be suspended; it is {state.Status}."),
    };

    public static IReadOnlyList<object> Decide(ReestablishAlliance c, Alliance state) => state.Status switch
    {
        AllianceStatus.Suspended => [new AllianceReestablished(state.Id, state.CountyCode, c.By, c.Now)],
        _ => throw new RuleViolation("alliance-not-suspended",
            $"只有已暂停的教联体可以恢复，当前为 {state.Status} / Only a suspended alliance can be re-established; it is {state.Status}."),
    };

    public static IReadOnlyList<object> Decide(DissolveAlliance c, Alliance state)
    {
        EnsureNotDissolved(state);
        // Every membership ends at the moment of dissolution (contract AllianceDissolved).
        return
        [
            new AllianceDissolved(state.Id, state.CountyCode, c.Reason.Trim(), c.By, c.Now),
            .. state.Members.Select(m => new MemberLeft(state.Id, m.UnitId, m.UnitKind, state.CountyCode, m.Role,
                m.JoinedAt, "教联体撤销 / alliance dissolved", c.By, c.Now)),
        ];
    }

    public static IReadOnlyList<object> Decide(AmendCharter c, Alliance state)
    {
        EnsureNotDissolved(state);
        return state.Charter == c.Charter.Trim() ? [] : [new CharterAmended(state.Id, c.Charter.Trim(), c.By, c.Now)];
    }

    public static IReadOnlyList<object> Decide(JoinAlliance c, Alliance state)
    {
        EnsureNotDissolved(state);
        if (state.Status == AllianceStatus.Suspended)
        {
            throw new RuleViolation("alliance-suspended", "教联体已暂停，不能加入新成员 / The alliance is suspended and takes no new members.");
        }
        if (state.IsMember(c.Unit.Id))
        {
            throw new RuleViolation("already-member",
                $"{c.Unit.Name} 已是该教联体成员 / The unit is already a member of this alliance.");
        }
        if (c.Role == MemberRole.Lead && state.Members.Any(m => m.Role == MemberRole.Lead))
        {
            throw new RuleViolation("lead-exists", "该教联体已有牵头单位 / The alliance already has a lead unit.");
        }
        return [new MemberJoined(state.Id, c.Unit.Id, c.Unit.Kind, state.CountyCode, c.Role, c.By, c.Now)];
    }

    public static IReadOnlyList<object> Decide(LeaveAlliance c, Alliance state)
    {
        EnsureNotDissolved(state);
        var member = state.Members.FirstOrDefault(m => m.UnitId == c.UnitId)
            ?? throw new RuleViolation("not-a-member", "该单位不是本教联体成员 / The unit is not a member of this alliance.");
        if (member.Role == MemberRole.Lead)
        {
            throw new RuleViolation("lead-cannot-leave", "牵头单位不能退出，请撤销教联体 / The lead unit cannot leave; dissolve the alliance instead.");
        }
        return [new MemberLeft(state.Id, member.UnitId, member.UnitKind, state.CountyCode, member.Role, member.JoinedAt,
            c.Reason.Trim(), c.By, c.Now)];
    }

    /// <summary>一县一个区域教联体: a county has one regional alliance that is proposed, established or suspended.</summary>
    public static RuleViolation RegionalExists(string county, AllianceStatus? status, Guid? id) => new("regional-alliance-exists",
        $"{county} 已有区域教联体（{status}，{id}），撤销后才能另建 / The county already has a regional alliance "
        + $"({status}, {id}); a new one can be established only after it is dissolved.");

    private static void EnsureNotDissolved(Alliance state)
    {
        if (state.Status == AllianceStatus.Dissolved)
        {
            throw new RuleViolation("alliance-dissolved", "教联体已撤销 / The alliance has been dissolved.");
        }
    }
}
