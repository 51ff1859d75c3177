using System.Net;
using JiaoLianTi.Alliances.Responsibilities;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Platform.Scheduling;
using Xunit;

namespace JiaoLianTi.Alliances.Tests.Api;

/// <summary>
/// City and province bureaus assign responsibilities within their region; the unit is reminded in its inbox
/// <see cref="AlliancesSystem.ReminderDaysBefore"/> days before the deadline (the setting), and told when it is overdue.
/// </summary>
[Collection(AlliancesCollection.Name)]
public sealed class DeadlineReminderApiTests(AlliancesSystem system)
{
    [Fact]
    public async Task City_and_province_bureaus_assign_within_their_region_only()
    {
        var w = await system.World();
        var duty = new { unitId = w.Police, title = "市级专项检查", dueOn = system.Today.AddDays(10).ToString("yyyy-MM-dd") };
        var city = system.Client(new TokenRequest(Role.CityAdmin, w.County[..4], Subject: "city-bureau"));
        var assigned = await city.Post($"/api/alliances/{w.Alliance}/responsibilities", duty).Ok(HttpStatusCode.Created);
        Assert.Equal(("Assigned", "city-bureau"), (assigned.Str("status"), Assert.Single(assigned.GetProperty("history").EnumerateArray()).Str("by")));
        await system.Client(Role.ProvinceAdmin, "51").Post($"/api/alliances/{w.Alliance}/responsibilities", duty).Ok(HttpStatusCode.Created);

        var otherCity = w.County[..4] == "5101" ? "5103" : "5101";
        Assert.Equal(HttpStatusCode.NotFound,
            (await system.Client(Role.CityAdmin, otherCity).Post($"/api/alliances/{w.Alliance}/responsibilities", duty)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden,
            (await w.SchoolAdmin.Post($"/api/alliances/{w.Alliance}/responsibilities", duty)).StatusCode);
        Assert.Equal(2, (await w.Admin.GetAsync($"/api/alliances/responsibilities?allianceId={w.Alliance}").Ok()).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task The_unit_is_reminded_in_its_inbox_days_before_the_deadline_once()
    {
        var w = await system.World();
        var created = await w.Admin.Post($"/api/alliances/{w.Alliance}/responsibilities", new
        {
            unitId = w.Police, title = "护学岗排班表", dueOn = system.Today.AddDays(4).ToString("yyyy-MM-dd"),
        }).Ok(HttpStatusCode.Created);
        var id = created.Id();
        var deadline = created.GetProperty("deadline").GetDateTimeOffset();
        var services = system.Services("alliances");

        await services.RunCheckAsync<DeadlineReminderCheck>(deadline.AddDays(-AlliancesSystem.ReminderDaysBefore).AddMinutes(-1));
        Assert.DoesNotContain((await w.Officer.GetAsync("/api/alliances/inbox").Ok()).GetProperty("alerts").EnumerateArray(),
            a => a.GetProperty("responsibilityId").GetGuid() == id);

        var at = deadline.AddDays(-AlliancesSystem.ReminderDaysBefore).AddMinutes(1);
        Assert.True(await services.RunCheckAsync<DeadlineReminderCheck>(at) >= 1);
        await services.RunCheckAsync<DeadlineReminderCheck>(at.AddHours(1));
        var alert = Assert.Single((await w.Officer.GetAsync("/api/alliances/inbox").Ok()).GetProperty("alerts").EnumerateArray(),
            a => a.GetProperty("responsibilityId").GetGuid() == id);
        Assert.Equal("DeadlineReminder", alert.Str("kind"));
        Assert.Equal(at, alert.GetProperty("at").GetDateTimeOffset());
        Assert.Contains("护学岗排班表", alert.Str("message"));
        var item = await w.Admin.GetAsync($"/api/alliances/responsibilities/{id}").Ok();
        Assert.Single(item.GetProperty("history").EnumerateArray(), h => h.Str("status") == "Reminded");

        // Past the deadline the overdue check escalates it, and the alert says so.
        await services.RunCheckAsync<OverdueCheck>(deadline.AddMinutes(1));
        var overdue = Assert.Single((await w.Officer.GetAsync("/api/alliances/inbox").Ok()).GetProperty("alerts").EnumerateArray(),
            a => a.GetProperty("responsibilityId").GetGuid() == id);
        Assert.Equal("Overdue", overdue.Str("kind"));

        // Done, it leaves the alerts.
        await w.Officer.Do($"/api/alliances/responsibilities/{id}/done", $"/api/alliances/responsibilities/{id}");
        Assert.DoesNotContain((await w.Officer.GetAsync("/api/alliances/inbox").Ok()).GetProperty("alerts").EnumerateArray(),
            a => a.GetProperty("responsibilityId").GetGuid() == id);
    }
}
