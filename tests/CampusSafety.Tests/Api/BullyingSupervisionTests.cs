using System.Net;
using JiaoLianTi.Platform.Identity;
using Xunit;

namespace JiaoLianTi.CampusSafety.Tests.Api;

/// <summary>Supervision without exposure, and the reporting parent following their own report.</summary>
[Collection(SystemCollection.Name)]
public sealed class BullyingSupervisionTests(CampusSafetySystem system)
{
    private const string Cases = "/api/campussafety/bullying-cases";

    private static object Report(Guid schoolId, bool anonymous = false, string summary = "课间多次推搡") => new
    {
        schoolId, grade = 4, anonymous, summary,
        parties = new object[] { new { studentId = Guid.NewGuid(), role = "Target" } },
    };

    [Fact]
    public async Task The_county_city_and_province_see_counts_per_school_and_status_with_no_names_and_small_counts_hidden()
    {
        var world = await system.SchoolWithAlliance();
        using var admin = system.SchoolAdmin(world);
        var created = new List<Guid>();
        // Given: five cases reported eleven days ago and still not determined (as the service itself would have
        // appended them), and one reported now and determined.
        var store = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<Marten.IDocumentStore>(system.CampusSafety);
        var old = system.Clock.GetUtcNow().AddDays(-11);
        await using (var session = store.LightweightSession())
        {
            for (var i = 0; i < 5; i++)
            {
                var id = Guid.NewGuid();
                created.Add(id);
                session.Events.StartStream<Bullying.BullyingCase>(id, new Bullying.BullyingCaseReported(
                    id, world.SchoolId, world.County, 3, $"标记文本{i} 张三", false, "parent-x", old.AddDays(10), old));
            }
            await session.SaveChangesAsync();
        }
        var response = await admin.Post(Cases, Report(world.SchoolId, summary: "标记文本 张三"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        created.Add((await response.ReadJson()).Id());
        var path = $"{Cases}/{created[^1]}";
        var determined = await admin.Post($"{path}/determination", await admin.ETagOf($"{path}?reason=supervision"), new { isBullying = false, findings = "误会" });
        Assert.Equal(HttpStatusCode.OK, determined.StatusCode);

        foreach (var (role, region) in new[] { (Role.CountyAdmin, world.County), (Role.CityAdmin, world.County[..4]), (Role.ProvinceAdmin, "51") })
        {
            using var bureau = system.Client(role, region);
            var answer = await bureau.GetAsync($"{Cases}/supervision?county={world.County}");
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            var raw = await answer.Content.ReadAsStringAsync();
            var school = Assert.Single(System.Text.Json.JsonDocument.Parse(raw).RootElement.GetProperty("schools").EnumerateArray());
            Assert.Equal(world.SchoolId, school.GetProperty("schoolId").GetGuid());
            Assert.Equal("5", school.GetProperty("byStatus").Str("Reported"));
            Assert.Equal("<5", school.GetProperty("byStatus").Str("Determined"));
            Assert.Equal("5", school.Str("investigationsOverdue"));
            Assert.DoesNotContain("张三", raw);
            Assert.DoesNotContain("标记文本", raw);
            Assert.DoesNotContain("parties", raw);
            Assert.All(created, id => Assert.DoesNotContain(id.ToString(), raw));
        }
        await (await admin.GetAsync($"{Cases}/supervision")).AssertProblem(HttpStatusCode.Forbidden);
        using var otherCounty = system.Client(Role.CountyAdmin, World.NewCounty());
        await (await otherCounty.GetAsync($"{Cases}/supervision?county={world.County}")).AssertProblem(HttpStatusCode.BadRequest, "county");
        Assert.Empty((await (await otherCounty.GetAsync($"{Cases}/supervision")).ReadJson()).GetProperty("schools").EnumerateArray());
    }

    [Fact]
    public async Task The_reporting_parent_follows_their_report_and_an_anonymous_one_by_its_receipt_code()
    {
        var world = await system.SchoolWithAlliance();
        using var parent = system.Staff(world, Role.Parent, $"parent-{Guid.NewGuid():N}");
        using var otherParent = system.Staff(world, Role.Parent);
        using var admin = system.SchoolAdmin(world);

        var named = await (await parent.Post(Cases, Report(world.SchoolId))).ReadJson();
        var anonymous = await parent.Post(Cases, Report(world.SchoolId, anonymous: true));
        Assert.Equal(HttpStatusCode.Created, anonymous.StatusCode);
        var answer = await anonymous.ReadJson();
        var code = answer.Str("receiptCode");
        Assert.Equal(20, code.Length);

        var mine = (await (await parent.GetAsync($"{Cases}/mine")).ReadJson()).Items();
        Assert.Equal([named.Id()], mine.Select(m => m.Id())); // the anonymous one is not linked to the parent
        Assert.Equal("Reported", mine[0].Str("status"));
        Assert.False(mine[0].TryGetProperty("summary", out _));
        Assert.Empty((await (await otherParent.GetAsync($"{Cases}/mine")).ReadJson()).Items());

        var byCode = await (await otherParent.GetAsync($"{Cases}/receipts/{code.ToLowerInvariant()}")).ReadJson();
        Assert.Equal(answer.Id(), byCode.Id());
        Assert.Equal("Reported", byCode.Str("status"));
        Assert.False(byCode.TryGetProperty("parties", out _));
        var anonymousPath = $"{Cases}/{answer.Id()}";
        var view = await (await admin.GetAsync($"{anonymousPath}?reason=investigation")).ReadJson();
        Assert.Equal(System.Text.Json.JsonValueKind.Null, view.GetProperty("reportedBy").ValueKind);

        var determined = await admin.Post($"{anonymousPath}/determination", await admin.ETagOf($"{anonymousPath}?reason=investigation"),
            new { isBullying = false, findings = "同学间玩闹" });
        Assert.Equal(HttpStatusCode.OK, determined.StatusCode);
        var after = await (await parent.GetAsync($"{Cases}/receipts/{code}")).ReadJson();
        Assert.Equal("Determined", after.Str("status"));
        Assert.False(after.TryGetProperty("findings", out _));

        await (await parent.GetAsync($"{Cases}/receipts/not-a-code")).AssertProblem(HttpStatusCode.BadRequest, "code");
        await (await parent.GetAsync($"{Cases}/receipts/{new string('A', 20)}")).AssertProblem(HttpStatusCode.NotFound);
    }
}
