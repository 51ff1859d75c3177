using System.Net;
using JiaoLianTi.Alliances.Responsibilities;
using JiaoLianTi.Platform.Identity;
using Xunit;

namespace JiaoLianTi.Alliances.Tests.Api;

/// <summary>
/// The import path a province uses to bring in existing responsibilities with their real dates (and the demo seed
/// uses to leave items overdue): through the gateway, idempotent, all or nothing, and the overdue check (run by an
/// operator) escalates what is past its deadline.
/// </summary>
[Collection(AlliancesCollection.Name)]
public sealed class ImportApiTests(AlliancesSystem system)
{
    [Fact]
    public async Task Records_come_in_with_their_dates_once_and_the_overdue_check_escalates_the_late_one()
    {
        var w = await system.World();
        var province = system.Client(new TokenRequest(Role.ProvinceAdmin, "51", Subject: "province-data-office"));
        object Record(string reference, int dueDaysAgo, int? doneDaysAgo = null) => new
        {
            @ref = reference, allianceId = w.Alliance, unitId = w.Police, title = $"历史责任 {reference}",
            dueOn = system.Today.AddDays(-dueDaysAgo).ToString("yyyy-MM-dd"), slaDays = 1,
            assignedAt = system.Now.AddDays(-60), doneAt = doneDaysAgo is { } d ? system.Now.AddDays(-d) : (DateTimeOffset?)null,
        };
        var batch = new { records = new[] { Record($"{w.County}-001", 12), Record($"{w.County}-002", 30, doneDaysAgo: 31) } };

        var result = await province.Post("/api/alliances/import/responsibilities", batch).Ok();
        Assert.Equal((2, 0), (result.GetProperty("imported").GetInt32(), result.GetProperty("alreadyImported").GetInt32()));
        var late = result.GetProperty("items")[0].GetProperty("id").GetGuid();
        var again = await province.Post("/api/alliances/import/responsibilities", batch).Ok();
        Assert.Equal((0, 2), (again.GetProperty("imported").GetInt32(), again.GetProperty("alreadyImported").GetInt32()));

        var item = await w.Admin.GetAsync($"/api/alliances/responsibilities/{late}").Ok();
        Assert.Equal(system.Now.AddDays(-60), item.GetProperty("assignedAt").GetDateTimeOffset());
        Assert.Equal($"{w.County}-001", item.Str("importRef"));
        Assert.Contains(item.GetProperty("history").EnumerateArray(), h => h.Str("status") == "Imported" && h.Str("by") == "province-data-office");
        Assert.Equal("Assigned", item.Str("status"));

        // The operator runs the overdue check now: the late record is overdue and escalated; the done one is not.
        var ops = system.Client(Role.Operator, "51");
        var run = await ops.Post($"/api/alliances/operations/checks/{nameof(OverdueCheck)}/run", null).Ok();
        Assert.True(run.GetProperty("acted").GetInt32() >= 1);
        var escalated = await w.Admin.GetAsync($"/api/alliances/responsibilities?county={w.County}&escalated=true").Ok();
        Assert.Equal(late, Assert.Single(escalated.Items()).Id());
        Assert.Single((await w.Admin.GetAsync($"/api/alliances/responsibilities?county={w.County}&status=Done").Ok()).Items());
    }

    [Fact]
    public async Task Bad_records_are_400s_naming_the_field_a_refused_one_refuses_the_batch_and_schools_may_not_import()
    {
        var w = await system.World();
        var admin = w.Admin;
        var good = new { @ref = "ok-1", allianceId = w.Alliance, unitId = w.Police, title = "t", dueOn = system.Today.ToString("yyyy-MM-dd"), assignedAt = system.Now.AddDays(-1) };
        var future = new { @ref = "bad-1", allianceId = w.Alliance, unitId = w.Police, title = "t", dueOn = system.Today.ToString("yyyy-MM-dd"), assignedAt = system.Now.AddDays(1) };
        var invalid = await admin.Post("/api/alliances/import/responsibilities", new { records = new object[] { good, future } });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.True((await invalid.ReadJson()).GetProperty("errors").TryGetProperty("records[1].assignedAt", out _));

        var stranger = await admin.Unit(w.County, "Museum");
        var refused = await admin.Post("/api/alliances/import/responsibilities", new
        {
            records = new object[] { good, new { @ref = "bad-2", allianceId = w.Alliance, unitId = stranger, title = "t", dueOn = system.Today.ToString("yyyy-MM-dd"), assignedAt = system.Now } },
        });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("unit-not-member", (await refused.ReadJson()).Str("code"));
        Assert.Empty((await admin.GetAsync($"/api/alliances/responsibilities?county={w.County}").Ok()).Items());

        Assert.Equal(HttpStatusCode.Forbidden, (await w.SchoolAdmin.Post("/api/alliances/import/responsibilities", new { records = new[] { good } })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await system.County(AlliancesSystem.NextCounty()).Post("/api/alliances/import/responsibilities", new { records = new[] { good } })).StatusCode);
    }
}
