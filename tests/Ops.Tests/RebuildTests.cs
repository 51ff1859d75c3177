using System.Net;
using System.Text.Json;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Xunit;

namespace JiaoLianTi.Ops.Tests;

/// <summary>
/// An operator rebuilds ParentSchool's async roll-up (TopicFigures) while the service runs: progress is visible, the
/// read model is the same when it ends, and the rebuild is in the operations log. The publisher cannot be rebuilt.
/// </summary>
[Collection(OpsCollection.Name)]
public sealed class RebuildTests(OpsSystem system)
{
    private const string Projections = "/api/parentschool/operations/projections";
    private HttpClient Operator() => system.Client(new TokenRequest(Role.Operator, "51", Subject: "ops-li"));

    [Fact]
    public async Task An_operator_rebuilds_a_projection_and_the_read_model_is_the_same_at_the_end()
    {
        var province = Random.Shared.Next(11, 50).ToString();
        var county = province + Random.Shared.Next(1000, 9999);
        var school = Guid.NewGuid();
        var admin = system.Client(Role.CountyAdmin, county);
        var drafted = await admin.Post("/api/parentschool/courses", new
        {
            title = "重建测试微课", topic = "MentalHealth", targetGrades = new[] { 3 }, scope = "County", regionCode = county,
            lessons = new[] { new { title = "第1课", durationMinutes = 10, text = "内容", videoLinks = Array.Empty<string>() } },
        });
        Assert.Equal(HttpStatusCode.Created, drafted.StatusCode);
        var course = (await drafted.ReadJson()).Id();
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"/api/parentschool/courses/{course}/publish", null, drafted.ETag())).StatusCode);
        for (var i = 0; i < 3; i++)
        {
            var parent = system.Client(new TokenRequest(Role.Parent, county, school, Subject: $"parent-{Guid.NewGuid():N}"));
            Assert.Equal(HttpStatusCode.Created, (await parent.Post($"/api/parentschool/courses/{course}/enrolment", null)).StatusCode);
        }
        var figures = $"/api/parentschool/figures?level=County&code={county}&topic=MentalHealth";
        var before = await Eventually.Until(() => admin.GetAsync(figures).Ok(),
            f => f.Items().Count == 1 && f.Items()[0].GetProperty("enrolments").GetInt64() == 3);
        Assert.Equal(3, before.Items()[0].GetProperty("enrolments").GetInt64());

        var status = await Operator().GetAsync(Projections).Ok();
        var shard = Assert.Single(status.GetProperty("projections").EnumerateArray(), p => p.Str("kind") == "projection");
        var name = shard.Str("name");
        Assert.StartsWith("TopicFigures", name);

        var started = await Operator().Post($"{Projections}/{name}/rebuild", null);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal("Running", (await started.ReadJson()).Str("state"));

        var done = await Eventually.Until(() => Operator().GetAsync(Projections).Ok(), s => Rebuild(s, name)?.Str("state") is "Succeeded" or "Failed",
            TimeSpan.FromSeconds(120));
        var rebuild = Rebuild(done, name)!.Value;
        Assert.Equal("Succeeded", rebuild.Str("state"));
        Assert.Equal("ops-li", rebuild.Str("by"));
        var after = await Eventually.Until(() => admin.GetAsync(figures).Ok(), f => f.ToString() == before.ToString());
        Assert.Equal(before.ToString(), after.ToString());

        var log = (await Operator().GetAsync("/api/parentschool/operations/log").Ok()).EnumerateArray().ToList();
        Assert.Contains(log, e => e.Str("type") == "projection_rebuild_started" && e.GetProperty("data").Str("projection") == name);
        Assert.Contains(log, e => e.Str("type") == "projection_rebuild_ended" && e.GetProperty("data").Str("projection") == name
                                  && e.GetProperty("data").GetProperty("error").ValueKind == JsonValueKind.Null);

        // The publisher is a subscription: replaying it would publish everything again.
        await Operator().Post("/api/parentschool/operations/projections/integration-events/rebuild", null).ExpectProblem(HttpStatusCode.Conflict);
        await Operator().Post("/api/parentschool/operations/projections/NoSuchThing/rebuild", null).ExpectProblem(HttpStatusCode.NotFound);
        await admin.Post($"{Projections}/{name}/rebuild", null).ExpectProblem(HttpStatusCode.Forbidden);
    }

    private static JsonElement? Rebuild(JsonElement status, string name) =>
        status.GetProperty("projections").EnumerateArray().First(p => p.Str("name") == name).GetProperty("rebuild") is { ValueKind: JsonValueKind.Object } r
            ? r : null;
}
