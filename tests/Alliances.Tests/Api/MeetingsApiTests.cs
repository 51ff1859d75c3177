using System.Net;
using Xunit;

namespace JiaoLianTi.Alliances.Tests.Api;

[Collection(AlliancesCollection.Name)]
public sealed class MeetingsApiTests(AlliancesSystem system)
{
    [Fact]
    public async Task A_meeting_is_recorded_and_each_decision_becomes_a_responsibility()
    {
        var w = await system.World();
        var meeting = await w.Admin.Post($"/api/alliances/{w.Alliance}/meetings", new
        {
            heldOn = system.Today.ToString("yyyy-MM-dd"), title = "春季恳谈会", attendingUnitIds = new[] { w.School, w.Police },
            minutes = "学校提出上下学交通问题；派出所承诺设护学岗。",
            decisions = new[]
            {
                new { unitId = w.Police, title = "设立护学岗", dueOn = system.Today.AddDays(14).ToString("yyyy-MM-dd"), slaDays = 3 },
                new { unitId = w.School, title = "家长志愿者排班", dueOn = system.Today.AddDays(7).ToString("yyyy-MM-dd"), slaDays = 0 },
            },
        }).Ok(HttpStatusCode.Created);

        Assert.Equal(2, meeting.GetProperty("attendingUnitIds").GetArrayLength());
        var duties = await w.Admin.GetAsync($"/api/alliances/responsibilities?meetingId={meeting.Id()}").Ok();
        Assert.Equal(2, duties.GetProperty("total").GetInt64());
        Assert.Contains(duties.Items(), d => d.Str("title") == "设立护学岗" && d.GetProperty("unitId").GetGuid() == w.Police);
        var decisionIds = meeting.GetProperty("decisions").EnumerateArray().Select(d => d.GetProperty("responsibilityId").GetGuid());
        Assert.Equal(decisionIds.Order(), duties.Items().Select(d => d.Id()).Order());
        Assert.Single((await w.Admin.GetAsync($"/api/alliances/meetings?allianceId={w.Alliance}").Ok()).Items());
        Assert.Equal("春季恳谈会", (await w.Admin.GetAsync($"/api/alliances/meetings/{meeting.Id()}").Ok()).Str("title"));
    }

    [Fact]
    public async Task A_decision_due_in_the_past_or_an_attendee_who_is_not_a_member_records_nothing()
    {
        var w = await system.World();
        var stranger = await w.Admin.Unit(w.County, "Enterprise");
        var pastDue = await w.Admin.Post($"/api/alliances/{w.Alliance}/meetings", new
        {
            heldOn = system.Today.ToString("yyyy-MM-dd"), title = "t", attendingUnitIds = new[] { w.Police }, minutes = "m",
            decisions = new[] { new { unitId = w.Police, title = "x", dueOn = system.Today.AddDays(-3).ToString("yyyy-MM-dd") } },
        });
        Assert.Equal("due-in-past", (await pastDue.ReadJson()).Str("code"));
        var notMember = await w.Admin.Post($"/api/alliances/{w.Alliance}/meetings", new
        {
            heldOn = system.Today.ToString("yyyy-MM-dd"), title = "t", attendingUnitIds = new[] { stranger }, minutes = "m",
        });
        Assert.Equal("attendee-not-member", (await notMember.ReadJson()).Str("code"));
        var missing = await w.Admin.Post($"/api/alliances/{w.Alliance}/meetings", new { title = "t" });
        Assert.True((await missing.ReadJson()).GetProperty("errors").TryGetProperty("heldOn", out _));

        Assert.Empty((await w.Admin.GetAsync($"/api/alliances/meetings?allianceId={w.Alliance}").Ok()).Items());
        Assert.Empty((await w.Admin.GetAsync($"/api/alliances/responsibilities?allianceId={w.Alliance}").Ok()).Items());
    }
}
