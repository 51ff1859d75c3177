using System.Net;
using System.Text.Json;
using JiaoLianTi.Activities.Registrations;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Xunit;
using static JiaoLianTi.Activities.Tests.Api.Drive;

namespace JiaoLianTi.Activities.Tests.Api;

/// <summary>
/// What leaves Activities, read off the real broker as any subscriber would (a queue bound to each contract's
/// exchange): the contracts, with the activity's facts, and students by opaque id only.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class PublishedEventsTests(ActivitiesSystem system) : IAsyncLifetime
{
    private static readonly string[] Contracts =
        ["SafetyPlanRequested", "ActivityPublished", "RegistrationConfirmed", "ActivityCompleted", "ActivityCancelled", "VolunteerHoursApproved"];

    private BrokerProbe probe = null!;

    public async Task InitializeAsync() =>
        probe = await BrokerProbe.BindAsync(system, Contracts.Select(c => typeof(JiaoLianTi.Activities.Contracts.ActivityPublished).Assembly
            .GetType($"JiaoLianTi.Activities.Contracts.{c}", throwOnError: true)!).ToArray());

    public async Task DisposeAsync() => await probe.DisposeAsync();

    [Fact]
    public async Task An_activitys_life_leaves_as_contracts_with_opaque_student_ids_only()
    {
        var school = await system.School(Jinjiang);
        var resource = await system.Resource(Jinjiang, 40);
        using var staff = system.Staff(Jinjiang, school);
        var trip = await OpenStudyTrip(system, staff, resource, 30);
        var child = Guid.NewGuid();
        using var parent = system.Parent(Jinjiang, school, child);
        Assert.Equal(HttpStatusCode.Created, (await parent.Post($"/api/activities/{trip}/registrations", Child(child, name: "王小明"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await staff.Post($"/api/activities/{trip}/cancel", new { reason = "暴雨预警 / Rainstorm warning" }, "\"4\"")).StatusCode);
        var lecture = await OpenLecture(staff, startsAt: system.Clock.GetUtcNow().AddMinutes(10));
        system.Clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(HttpStatusCode.OK, (await staff.Post($"/api/activities/{lecture}/complete", new { }, "\"2\"")).StatusCode);

        var seen = await probe.Until(seen => Has(seen, "ActivityCompleted", lecture));

        var requested = Single(seen, "SafetyPlanRequested", trip);
        Assert.Equal(school, requested.GetProperty("schoolId").GetGuid());
        Assert.Equal(30, requested.GetProperty("participants").GetInt32());
        Assert.Contains("大巴", requested.Str("arrangements"));
        var published = Single(seen, "ActivityPublished", trip);
        Assert.Equal("StudyTrip", published.Str("kind"));
        Assert.Equal(resource, published.GetProperty("resourceId").GetGuid());
        Assert.Equal(30, published.GetProperty("seats").GetInt32());
        // 五育: what a study trip serves when its school names nothing, and the resource it uses as its base.
        Assert.Equal(["Moral", "Intellectual"], published.GetProperty("dimensions").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(resource, published.GetProperty("baseId").GetGuid());
        Assert.Equal(child, Single(seen, "RegistrationConfirmed", trip).GetProperty("studentId").GetGuid());
        var cancelled = Single(seen, "ActivityCancelled", trip);
        Assert.Contains("暴雨预警", cancelled.Str("reason"));
        // Whom the cancellation concerns, by opaque id: the parents' messages tell their families.
        Assert.Equal([child], cancelled.GetProperty("studentIds").EnumerateArray().Select(s => s.GetGuid()));
        var completed = Single(seen, "ActivityCompleted", lecture);
        Assert.Equal(Jinjiang, completed.Str("countyCode"));
        Assert.Equal(["Intellectual"], completed.GetProperty("dimensions").EnumerateArray().Select(d => d.GetString()));
        Assert.All(seen, s => Assert.DoesNotContain("王小明", s.Raw));
    }

    [Fact]
    public async Task Approved_volunteer_hours_leave_with_the_students_opaque_id()
    {
        var school = await system.School(Jinjiang);
        using var teacher = system.Staff(Jinjiang, school, Role.Teacher);
        var id = await OpenLecture(teacher, seats: 5, kind: "VolunteerService", startsAt: system.Clock.GetUtcNow().AddMinutes(10));
        var student = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.Created, (await teacher.Post($"/api/activities/{id}/registrations", Child(student, name: "李小红"))).StatusCode);
        system.Clock.Advance(TimeSpan.FromMinutes(15));
        var recorded = await teacher.Put($"/api/activities/{id}/volunteer-hours/{student}", new { hours = 1.5 });
        Assert.Equal(HttpStatusCode.Created, recorded.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await teacher.Post($"/api/activities/{id}/volunteer-hours/{student}/approve", new { }, recorded.ETag())).StatusCode);

        var seen = await probe.Until(seen => Has(seen, "VolunteerHoursApproved", id));

        var approved = Single(seen, "VolunteerHoursApproved", id);
        Assert.Equal(student, approved.GetProperty("studentId").GetGuid());
        // MassTransit writes decimals as strings.
        Assert.Equal(1.5m, decimal.Parse(approved.GetProperty("hours").ToString(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.All(seen, s => Assert.DoesNotContain("李小红", s.Raw));
    }

    private static bool Has(IReadOnlyList<BrokerProbe.Delivery> seen, string type, Guid activity) =>
        seen.Any(s => s.Type == type && s.Message.GetProperty("activityId").GetGuid() == activity);

    private static JsonElement Single(IReadOnlyList<BrokerProbe.Delivery> seen, string type, Guid activity) =>
        Assert.Single(seen, s => s.Type == type && s.Message.GetProperty("activityId").GetGuid() == activity).Message;
}
