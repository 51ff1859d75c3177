using JiaoLianTi.Alliances.Alliances;
using JiaoLianTi.Alliances.Units;

namespace JiaoLianTi.Alliances.Tests.Deciders;

/// <summary>Given: states built from events, the way Marten builds them (Create, then Apply in order).</summary>
internal static class Given
{
    public static readonly DateTimeOffset Now = new(2026, 11, 28, 9, 0, 0, TimeSpan.FromHours(8));
    public const string County = "510104";

    public static MemberUnit Unit(MemberUnitKind kind = MemberUnitKind.School, string county = County) =>
        MemberUnit.Create(new MemberUnitRegistered(Guid.NewGuid(), kind, $"{kind}", county, "王老师", "028", "admin", Now));

    public static Alliance Alliance(params object[] events)
    {
        var id = Guid.NewGuid();
        Alliance state = Alliances.Alliance.Create(new AllianceEstablished(id, "教联体", AllianceKind.Regional, County, "教育局", "admin", Now));
        return events.Aggregate(state, Apply);
    }

    public static Alliance Apply(Alliance state, object e) => e switch
    {
        AllianceEstablished x => state.Apply(x),
        AllianceSuspended x => state.Apply(x),
        AllianceReestablished x => state.Apply(x),
        AllianceDissolved x => state.Apply(x),
        CharterAmended x => state.Apply(x),
        MemberJoined x => state.Apply(x),
        MemberLeft x => state.Apply(x),
        _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name),
    };

    public static Alliance With(this Alliance state, IReadOnlyList<object> events) => events.Aggregate(state, Apply);

    public static Alliance Joined(this Alliance state, MemberUnit unit, MemberRole role = MemberRole.Member) =>
        state.Apply(new MemberJoined(state.Id, unit.Id, unit.Kind, state.CountyCode, role, "admin", Now));

    public static Alliance Suspended(this Alliance state) =>
        state.Apply(new AllianceSuspended(state.Id, state.CountyCode, "整顿", "admin", Now));

    public static Alliance Dissolved(this Alliance state) =>
        state.Apply(new AllianceDissolved(state.Id, state.CountyCode, "撤销", "admin", Now));

    public static string Refusal(Action decide) => Xunit.Assert.Throws<Platform.Http.RuleViolation>(decide).Code;
}
