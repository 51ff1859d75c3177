using JiaoLianTi.Activities.Dimensions;
using JiaoLianTi.Activities.Programmes;

namespace JiaoLianTi.Activities.Tests.Deciders;

/// <summary>Given events for an after-school programme: the state they build, as Marten would.</summary>
internal static class ProgrammeGiven
{
    /// <summary>A Wednesday in the autumn term of 2026 (China time), 10:00 UTC.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
    public static readonly Guid Id = Guid.NewGuid();
    public static readonly Guid Unit = Guid.NewGuid();
    public static readonly Guid Alliance = Guid.NewGuid();
    public const string Term = "2026-autumn";

    public static ProgrammeProvider Venue => new(ProviderKind.MemberUnit, Unit, Alliance, Guid.NewGuid(), "成都市锦江区体育中心");

    public static ProgrammeCreated Created(int places = 2, ProgrammeProvider? provider = null) =>
        new(Id, Guid.NewGuid(), "510104", Term, "篮球", [DayOfWeek.Monday, DayOfWeek.Wednesday],
            new TimeOnly(15, 30), new TimeOnly(17, 0), places, provider ?? Venue, [Dimension.Physical], null, "admin", Now.AddDays(-30));

    public static Programme State(ProgrammeCreated created, params object[] events) =>
        events.Aggregate(Programme.Create(created), (state, e) => JiaoLianTi.Platform.EventStore.Evolution<Programme>.Apply(state, e));

    public static Programme Open(int places = 2, params object[] events)
    {
        var created = Created(places);
        var draft = Programme.Create(created);
        return State(created, [new ProgrammeOpened(Id, draft.Facts(), "admin", Now), .. events]);
    }

    public static EnrolledStudent Student => new("小明", "三年级一班");

    public static StudentEnrolled Enrolled(Guid student, long sequence) => new(Id, student, sequence, Student, "parent", Now);

    public static StudentWaitlisted Waitlisted(Guid student, long sequence) => new(Id, student, sequence, Student, "parent", Now);
}
