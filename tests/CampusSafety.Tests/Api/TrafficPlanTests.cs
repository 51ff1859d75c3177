using System.Net;
using JiaoLianTi.CampusSafety.TrafficPlans;
using JiaoLianTi.Platform.Identity;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace JiaoLianTi.CampusSafety.Tests.Api;

/// <summary>一校一策: one traffic plan per school with its bus routes, reviewed yearly; overdue reviews listed.</summary>
[Collection(SystemCollection.Name)]
public sealed class TrafficPlanTests(CampusSafetySystem system)
{
    private const string Plans = "/api/campussafety/traffic-plans";

    private static object Plan(Guid? schoolId, string firstStop = "07:05", string secondStop = "07:40") => new
    {
        schoolId,
        summary = "东门单向通行，早晚高峰交警护学岗，校车专用停靠区",
        routes = new[]
        {
            new { name = "1号线", vehicle = "川A·校车01", stops = new[] { new { name = "红星路口", time = firstStop }, new { name = "学校东门", time = secondStop } } },
        },
    };

    [Fact]
    public async Task A_school_has_one_plan_with_its_routes_and_a_review_due_in_a_year()
    {
        var world = await system.SchoolWithAlliance();
        using var admin = system.SchoolAdmin(world);

        var created = await admin.Post(Plans, Plan(world.SchoolId));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var plan = await created.ReadJson();
        Assert.Equal(world.SchoolId, plan.Id());
        var today = TrafficPlanDecider.Today(system.Clock.GetUtcNow());
        Assert.Equal(today.AddYears(1), DateOnly.Parse(plan.Str("reviewDueOn")));
        Assert.Equal("07:05:00", plan.GetProperty("routes")[0].GetProperty("stops")[0].Str("time"));
        await (await admin.Post(Plans, Plan(world.SchoolId))).AssertProblem(HttpStatusCode.Conflict);

        // The traffic police serving the school read it; another school's admin does not.
        using var traffic = system.Officer(world, world.TrafficPolice);
        Assert.Equal(HttpStatusCode.OK, (await traffic.GetAsync($"{Plans}/{world.SchoolId}")).StatusCode);
        using var stranger = system.SchoolAdmin(await system.SchoolWithAlliance(world.County));
        await (await stranger.GetAsync($"{Plans}/{world.SchoolId}")).AssertProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Stops_out_of_order_are_refused_and_a_revision_needs_If_Match()
    {
        var world = await system.SchoolWithAlliance();
        using var admin = system.SchoolAdmin(world);

        await (await admin.Post(Plans, Plan(world.SchoolId, "07:40", "07:05"))).AssertProblem(HttpStatusCode.Conflict);
        await (await admin.Post(Plans, new { schoolId = world.SchoolId, summary = "x", routes = new[] { new { name = "1", stops = new[] { new { name = "a" } } } } }))
            .AssertProblem(HttpStatusCode.BadRequest, "routes[0].stops");
        var created = await admin.Post(Plans, Plan(world.SchoolId));
        var path = created.Headers.Location!.ToString();

        await (await admin.Send(HttpMethod.Put, path, null, Plan(null, "06:50", "07:30"))).AssertProblem((HttpStatusCode)428);
        var revised = await admin.Send(HttpMethod.Put, path, created.Headers.ETag, Plan(null, "06:50", "07:30"));
        Assert.Equal(HttpStatusCode.OK, revised.StatusCode);
        Assert.Equal("06:50:00", (await revised.ReadJson()).GetProperty("routes")[0].GetProperty("stops")[0].Str("time"));
    }

    [Fact]
    public async Task Plans_past_their_yearly_review_are_listed_until_reviewed()
    {
        var world = await system.SchoolWithAlliance();
        var lastYear = system.Clock.GetUtcNow().AddYears(-1).AddDays(-10);
        // Given: a plan drawn up more than a year ago (events appended as the service itself would have).
        var store = system.CampusSafety.GetRequiredService<IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream<TrafficPlan>(world.SchoolId, new TrafficPlanDrawnUp(world.SchoolId, world.County, "旧方案",
                [new BusRoute("1号线", null, [new BusStop("A", new TimeOnly(7, 0)), new BusStop("B", new TimeOnly(7, 30))])],
                TrafficPlanDecider.Today(lastYear).AddYears(1), "admin", lastYear));
            await session.SaveChangesAsync();
        }
        using var county = system.CountyAdmin(world);

        var overdue = (await (await county.GetAsync($"{Plans}?reviewOverdue=true")).ReadJson()).Items();
        Assert.Equal(world.SchoolId, Assert.Single(overdue).Id());

        using var admin = system.SchoolAdmin(world);
        var path = $"{Plans}/{world.SchoolId}";
        var reviewed = await admin.Post($"{path}/review", await admin.ETagOf(path), new { notes = "与交警大队共同复核，新增2号线" });
        Assert.Equal(HttpStatusCode.OK, reviewed.StatusCode);
        Assert.Empty((await (await county.GetAsync($"{Plans}?reviewOverdue=true")).ReadJson()).Items());
        using var teacher = system.Staff(world, Role.Teacher);
        await (await teacher.Post($"{path}/review", reviewed.Headers.ETag, new { notes = "x" })).AssertProblem(HttpStatusCode.Forbidden);
    }
}
