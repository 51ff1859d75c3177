using System.Net;
using JasperFx.Events;
using JiaoLianTi.Alliances.Responsibilities;
using JiaoLianTi.Platform.Scheduling;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace JiaoLianTi.Alliances.Tests.Api;

[Collection(AlliancesCollection.Name)]
public sealed class ResponsibilitiesApiTests(AlliancesSystem system)
{
    [Fact]
    public async Task A_responsibility_is_assigned_started_and_done_and_leaves_the_inbox()
    {
        var w = await system.World();
        var created = await w.Admin.Post($"/api/alliances/{w.Alliance}/responsibilities", new
        {
            unitId = w.Police, title = "开学护学岗", dueOn = system.Today.AddDays(7).ToString("yyyy-MM-dd"), slaDays = 2,
        }).Ok(HttpStatusCode.Created);
        Assert.Equal("Assigned", created.Str("status"));
        var path = $"/api/alliances/responsibilities/{created.Id()}";
        Assert.Contains((await w.Officer.GetAsync("/api/alliances/inbox").Ok()).GetProperty("responsibilities").Items(),
            r => r.Id() == created.Id());

        Assert.Equal("InProgress", (await w.Officer.Do($"{path}/start", path)).Str("status"));
        Assert.Equal("Done", (await w.Officer.Do($"{path}/done", path, new { note = "已完成" })).Str("status"));
        Assert.DoesNotContain((await w.Officer.GetAsync("/api/alliances/inbox").Ok()).GetProperty("responsibilities").Items(),
            r => r.Id() == created.Id());
        Assert.Single((await w.Admin.GetAsync($"/api/alliances/responsibilities?county={w.County}&status=Done").Ok()).Items());
    }

    [Fact]
    public async Task A_responsibility_due_in_the_past_is_a_409_and_nothing_is_appended()
    {
        var w = await system.World();
        var response = await w.Admin.Post($"/api/alliances/{w.Alliance}/responsibilities", new
        {
            unitId = w.Police, title = "x", dueOn = system.Today.AddDays(-1).ToString("yyyy-MM-dd"),
        });
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("due-in-past", (await response.ReadJson()).Str("code"));
        Assert.Empty((await w.Admin.GetAsync($"/api/alliances/responsibilities?county={w.County}").Ok()).Items());

        var missing = await w.Admin.Post($"/api/alliances/{w.Alliance}/responsibilities", new { unitId = w.Police, title = "x", slaDays = -1 });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        var errors = (await missing.ReadJson()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("dueOn", out _));
        Assert.True(errors.TryGetProperty("slaDays", out _));
    }

    [Fact]
    public async Task Another_unit_may_not_start_it()
    {
        var w = await system.World();
        var created = await w.Admin.Post($"/api/alliances/{w.Alliance}/responsibilities", new
        {
            unitId = w.Police, title = "x", dueOn = system.Today.ToString("yyyy-MM-dd"),
        }).Ok(HttpStatusCode.Created);
        var response = await w.SchoolAdmin.Post($"/api/alliances/responsibilities/{created.Id()}/start", null, "\"1\"");
        Assert.Equal("responsibility-not-yours", (await response.ReadJson()).Str("code"));
    }

    /// <summary>
    /// The overdue process on the controlled clock: before the deadline (due date + SLA, China time) nothing happens;
    /// after it, the first run appends one overdue and one escalation, and a second run appends nothing.
    /// </summary>
    [Fact]
    public async Task The_overdue_check_marks_once_and_escalates_once()
    {
        var w = await system.World();
        var due = system.Today.AddDays(1);
        var created = await w.Admin.Post($"/api/alliances/{w.Alliance}/responsibilities", new
        {
            unitId = w.Police, title = "家长会安全宣讲", dueOn = due.ToString("yyyy-MM-dd"), slaDays = 1,
        }).Ok(HttpStatusCode.Created);
        var id = created.Id();
        var services = system.Services("alliances");
        var deadline = new DateTimeOffset(due.AddDays(2).ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8));

        await services.RunCheckAsync<OverdueCheck>(deadline.AddMinutes(-1));
        Assert.Equal("Assigned", (await w.Admin.GetAsync($"/api/alliances/responsibilities/{id}").Ok()).Str("status"));

        await services.RunCheckAsync<OverdueCheck>(deadline.AddMinutes(1));
        await services.RunCheckAsync<OverdueCheck>(deadline.AddMinutes(2));

        var events = await Events(id);
        Assert.Single(events.OfType<ResponsibilityOverdue>());
        Assert.Single(events.OfType<ResponsibilityEscalated>());
        var now = await w.Admin.GetAsync($"/api/alliances/responsibilities/{id}").Ok();
        Assert.Equal("Overdue", now.Str("status"));
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, now.GetProperty("escalatedAt").ValueKind);
        var escalated = await w.Admin.GetAsync($"/api/alliances/responsibilities?county={w.County}&escalated=true").Ok();
        Assert.Equal(id, Assert.Single(escalated.Items()).Id());

        // Done late is still done, and stays marked overdue once.
        Assert.Equal("Done", (await w.Officer.Do($"/api/alliances/responsibilities/{id}/done", $"/api/alliances/responsibilities/{id}")).Str("status"));
        await services.RunCheckAsync<OverdueCheck>(deadline.AddDays(3));
        Assert.Single((await Events(id)).OfType<ResponsibilityOverdue>());
    }

    private async Task<IReadOnlyList<object>> Events(Guid id)
    {
        await using var session = system.Services("alliances").GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.Events.FetchStreamAsync(id)).Select(e => e.Data).ToList();
    }
}
