using JiaoLianTi.Activities.Activities;
using JiaoLianTi.Activities.Registrations;

namespace JiaoLianTi.Activities.Tests.Deciders;

/// <summary>Given events: the state they build, as Marten would (Create, then each Apply).</summary>
internal static class Given
{
    public static readonly DateTimeOffset Now = new(2026, 11, 28, 10, 0, 0, TimeSpan.Zero);
    public static readonly Guid Id = Guid.NewGuid();

    public static ActivityDrafted Drafted(int seats = 2, bool offCampus = false, int minAge = 6, int maxAge = 18) =>
        new(Id, ActivityKind.Lecture, Guid.NewGuid(), null, null, null, "讲座", "礼堂", offCampus, Now.AddDays(3),
            Now.AddDays(3).AddHours(2), seats, minAge, maxAge, "510104", [], "admin", Now);

    public static Activity State(ActivityDrafted drafted, params object[] events) =>
        events.Aggregate(Activity.Create(drafted), (state, e) => state.Then(e));

    public static ActivityFacts Facts => Activity.Create(Drafted()).Facts();

    public static Activity Open(int seats = 2, params object[] events) =>
        State(Drafted(seats), [new ActivityOpened(Id, Facts, Now), .. events]);

    public static StudentDetails Student(int age = 12, bool consent = true) =>
        new("小明", DateOnly.FromDateTime(Now.AddDays(3).UtcDateTime).AddYears(-age), null, null, consent ? "parent" : null, consent ? Now : null);

    public static RegistrationConfirmed Confirmed(Guid student, long sequence) => new(Id, student, sequence, Student(), "parent", Now);

    public static RegistrationWaitlisted Waitlisted(Guid student, long sequence) => new(Id, student, sequence, Student(), "parent", Now);
}
