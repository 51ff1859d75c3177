namespace JiaoLianTi.Alliances.Units;

/// <summary>成员单位类型: the same names as <see cref="Contracts.MemberUnitKinds"/>; an unknown name is a 400.</summary>
public enum MemberUnitKind
{
    School, FamilyCommittee, PoliceStation, TrafficPolice, MarketRegulator, CommunityCommittee, StreetOffice, Library,
    Museum, ScienceCentre, MemorialVenue, Theatre, SportsVenue, Hospital, MentalHealthCentre, University,
    ResearchInstitute, Enterprise, WomensFederation, YouthLeague, Other,
    // 检察院、法院: where a legal vice-principal (法治副校长) may come from, beside the police station.
    Procuratorate, Court,
}

/// <summary>A unit entered the directory. The contact officer and phone stay in this service.</summary>
public record MemberUnitRegistered(
    Guid UnitId, MemberUnitKind Kind, string Name, string CountyCode, string ContactOfficer, string ContactPhone,
    string RegisteredBy, DateTimeOffset At);

public record UnitContactChanged(Guid UnitId, string ContactOfficer, string ContactPhone, string ChangedBy, DateTimeOffset At);

/// <summary>成员单位: the unit stream's state and its inline read model (the directory).</summary>
public sealed record MemberUnit(
    Guid Id, MemberUnitKind Kind, string Name, string CountyCode, string ContactOfficer, string ContactPhone,
    DateTimeOffset RegisteredAt)
{
    public long Version { get; set; }

    public static MemberUnit Create(MemberUnitRegistered e) =>
        new(e.UnitId, e.Kind, e.Name, e.CountyCode, e.ContactOfficer, e.ContactPhone, e.At);

    public MemberUnit Apply(UnitContactChanged e) => this with { ContactOfficer = e.ContactOfficer, ContactPhone = e.ContactPhone };
}

public record RegisterUnit(
    Guid UnitId, MemberUnitKind Kind, string Name, string CountyCode, string ContactOfficer, string ContactPhone,
    string By, DateTimeOffset Now);

public record ChangeUnitContact(Guid UnitId, string ContactOfficer, string ContactPhone, string By, DateTimeOffset Now);

public static class MemberUnitDecider
{
    public static IReadOnlyList<object> Decide(RegisterUnit c, MemberUnit? state) => state switch
    {
        null => [new MemberUnitRegistered(c.UnitId, c.Kind, c.Name.Trim(), c.CountyCode, c.ContactOfficer.Trim(),
            c.ContactPhone.Trim(), c.By, c.Now)],
        _ => throw new Platform.Http.RuleViolation("unit-exists", $"成员单位 {c.UnitId} 已存在 / The unit already exists."),
    };

    public static IReadOnlyList<object> Decide(ChangeUnitContact c, MemberUnit state) =>
        state.ContactOfficer == c.ContactOfficer.Trim() && state.ContactPhone == c.ContactPhone.Trim()
            ? []
            : [new UnitContactChanged(c.UnitId, c.ContactOfficer.Trim(), c.ContactPhone.Trim(), c.By, c.Now)];
}
