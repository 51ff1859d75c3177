using System.Net;
using System.Text.Json;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Microsoft.Playwright;
using Xunit;

namespace JiaoLianTi.Console.Tests;

/// <summary>
/// The forms of the boards (issue 14): a school raises a need, a county assigns a responsibility and records a
/// meeting, each in a real chromium through the gateway, and each found afterwards through the API.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ListFormsTests(ConsoleSystem console)
{
    private const string County = "510112";

    [Fact]
    public async Task A_school_admin_raises_a_need_through_the_form_and_it_is_on_the_board()
    {
        var (alliance, name, school, unit) = await AllianceWithMembersAsync();
        var page = await console.SignInWithFormAsync("SchoolAdmin", County, schoolId: school, path: "/console/needs");
        await ConsoleSystem.InteractiveAsync(page);
        // Sent empty first: the API's field error beside the field.
        await ConsoleSystem.PickAsync(page, "need-alliance", name, alliance);
        await page.ClickAsync("[data-test=raise-need-submit]");
        await Assertions.Expect(page.Locator("[data-test=field-error][data-field=description]")).ToBeVisibleAsync();
        var description = $"需要课后托管志愿者 {Guid.NewGuid().ToString()[..6]}";
        await page.SelectOptionAsync("[data-test=need-category]", "AfterSchoolCare");
        await page.FillAsync("[data-test=need-description]", description);
        await page.ClickAsync("[data-test=raise-need-submit]");
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync(description);
        // The ticket names the school that raised it, not only its county's code.
        await Assertions.Expect(page.Locator(".jlt-ticket", new() { HasText = description }).Locator("[data-test=need-school]"))
            .ToContainTextAsync("成都市龙泉驿区试验小学");
        await console.ShotAsync(page, "10-need-raised");

        using var api = console.Api(Role.SchoolAdmin, County, schoolId: school);
        var needs = await (await api.GetAsync($"/api/alliances/needs?allianceId={alliance}")).ReadJson();
        var need = Assert.Single(needs.GetProperty("items").EnumerateArray(), n => n.GetProperty("description").GetString() == description);
        Assert.Equal("Raised", need.GetProperty("status").GetString());
        Assert.Equal("AfterSchoolCare", need.GetProperty("category").GetString());

        // The county matches it to a member chosen by name (按名称选择), and the API has the match.
        var county = await console.SignInWithFormAsync("CountyAdmin", County, path: "/console/needs");
        await ConsoleSystem.InteractiveAsync(county);
        var ticket = county.Locator(".jlt-ticket", new() { HasText = description });
        await ticket.Locator("[data-test=match]").ClickAsync();
        await ConsoleSystem.PickAsync(county, "match-unit", "派出所", unit);
        await console.ShotAsync(county, "10b-need-match-by-name");
        await ticket.Locator("[data-test=match-confirm]").ClickAsync();
        await Assertions.Expect(county.Locator("[data-status=Matched]")).ToContainTextAsync(description);
        await Assertions.Expect(county.Locator("[data-status=Matched] .jlt-ticket", new() { HasText = description })
            .Locator("[data-test=need-matched-unit]")).ToContainTextAsync("龙泉驿区龙泉派出所");
        var matched = await (await api.GetAsync($"/api/alliances/needs/{need.GetProperty("id").GetGuid()}")).ReadJson();
        Assert.Equal("Matched", matched.GetProperty("status").GetString());
        Assert.Equal(unit, matched.GetProperty("matchedUnitId").GetGuid());
    }

    [Fact]
    public async Task A_county_officer_assigns_a_responsibility_through_the_form_and_the_API_has_it()
    {
        var (alliance, name, _, unit) = await AllianceWithMembersAsync();
        var page = await console.SignInWithFormAsync("CountyAdmin", County, path: "/console/responsibilities");
        await ConsoleSystem.InteractiveAsync(page);
        await ConsoleSystem.PickAsync(page, "resp-alliance", name, alliance);
        var title = $"上下学交通疏导 {Guid.NewGuid().ToString()[..6]}";
        // The member by name, among the alliance's members only.
        await ConsoleSystem.PickAsync(page, "resp-unit", "龙泉派出所", unit);
        await page.FillAsync("[data-test=resp-title]", title);
        await page.FillAsync("[data-test=resp-dueOn]", DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd"));
        await page.ClickAsync("[data-test=assign-submit]");
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync(title);
        // The ticket says who owes it, by name, and in which alliance.
        var assigned = page.Locator(".jlt-ticket", new() { HasText = title });
        await Assertions.Expect(assigned.Locator("[data-test=responsibility-unit]")).ToContainTextAsync("龙泉驿区龙泉派出所");
        await Assertions.Expect(assigned).ToContainTextAsync(name);
        await console.ShotAsync(page, "11-responsibility-assigned");

        using var api = console.Api(Role.CountyAdmin, County);
        var list = await (await api.GetAsync($"/api/alliances/responsibilities?allianceId={alliance}")).ReadJson();
        var item = Assert.Single(list.GetProperty("items").EnumerateArray(), r => r.GetProperty("title").GetString() == title);
        Assert.Equal(unit, item.GetProperty("unitId").GetGuid());
        Assert.Equal("Assigned", item.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_county_officer_records_a_meeting_with_its_decisions_and_sees_them_in_the_meetings_detail()
    {
        var (alliance, name, school, unit) = await AllianceWithMembersAsync();
        var page = await console.SignInWithFormAsync("CountyAdmin", County, path: "/console/meetings");
        await ConsoleSystem.InteractiveAsync(page);
        await ConsoleSystem.PickAsync(page, "meeting-alliance", name, alliance);
        var title = $"春季恳谈会 {Guid.NewGuid().ToString()[..6]}";
        await page.FillAsync("[data-test=meeting-heldOn]", DateTime.UtcNow.AddDays(-2).ToString("yyyy-MM-dd"));
        await page.FillAsync("[data-test=meeting-title]", title);
        // The attending members by name (several).
        await ConsoleSystem.PickAsync(page, "meeting-units", "试验小学", school);
        await ConsoleSystem.PickAsync(page, "meeting-units", "派出所", unit);
        await page.FillAsync("[data-test=meeting-minutes]", "议定：派出所负责上下学时段交通疏导。");
        // A decision without what it is: the API's error beside that decision's field, nothing recorded.
        await page.ClickAsync("[data-test=add-decision]");
        await ConsoleSystem.PickAsync(page, "decision-unit-0", "派出所", unit);
        var due = DateTime.UtcNow.AddDays(14).ToString("yyyy-MM-dd");
        await page.FillAsync("[data-test=decision-dueOn-0]", due);
        await page.ClickAsync("[data-test=meeting-submit]");
        await Assertions.Expect(page.Locator("[data-test=field-error][data-field='decisions[0].title']")).ToContainTextAsync("必填");
        await console.ShotAsync(page, "12a-meeting-decision-error");
        using var api = console.Api(Role.CountyAdmin, County);
        Assert.Equal(0, (await (await api.GetAsync($"/api/alliances/meetings?allianceId={alliance}")).ReadJson()).GetProperty("total").GetInt32());

        var decision = $"上下学时段交通疏导 {Guid.NewGuid().ToString()[..6]}";
        await page.FillAsync("[data-test=decision-title-0]", decision);
        await page.ClickAsync("[data-test=meeting-submit]");
        await Assertions.Expect(page.Locator("[data-test=meetings]")).ToContainTextAsync(title);
        await console.ShotAsync(page, "12-meeting-recorded");

        var list = await (await api.GetAsync($"/api/alliances/meetings?allianceId={alliance}")).ReadJson();
        var meeting = Assert.Single(list.GetProperty("items").EnumerateArray(), m => m.GetProperty("title").GetString() == title);
        Assert.Equal(2, meeting.GetProperty("attendingUnitIds").GetArrayLength());
        var recorded = Assert.Single(meeting.GetProperty("decisions").EnumerateArray());
        Assert.Equal(unit, recorded.GetProperty("unitId").GetGuid());
        Assert.Equal(due, recorded.GetProperty("dueOn").GetString());
        // The decision is a responsibility the unit owes.
        var owed = await (await api.GetAsync($"/api/alliances/responsibilities/{recorded.GetProperty("responsibilityId").GetGuid()}")).ReadJson();
        Assert.Equal(decision, owed.GetProperty("title").GetString());

        // The meeting's detail: attendees and the decision by name, with the responsibility's status.
        await page.Locator("[data-test=meeting-link]", new() { HasText = title }).ClickAsync();
        var row = page.Locator("[data-test=decision-row]");
        await Assertions.Expect(row).ToContainTextAsync(decision);
        await Assertions.Expect(row).ToContainTextAsync("龙泉驿区龙泉派出所");
        await Assertions.Expect(row).ToContainTextAsync("已分派");
        await Assertions.Expect(page.Locator("[data-test=attendees]")).ToContainTextAsync("成都市龙泉驿区试验小学");
        await console.ShotAsync(page, "12b-meeting-detail");
    }

    [Fact]
    public async Task A_teacher_approves_a_students_volunteer_hours_in_the_roster_and_the_API_counts_them()
    {
        var (_, _, school, _) = await AllianceWithMembersAsync();
        using var admin = console.Api(Role.SchoolAdmin, County, schoolId: school);
        using var teacher = console.Api(Role.Teacher, County, schoolId: school);
        var startsAt = console.ActivitiesClock.GetUtcNow().AddMinutes(20);
        // Activities learns of the new school from Alliances' events: drafting succeeds once it has.
        var drafted = await Eventually.Until(() => admin.Post("/api/activities", new
        {
            kind = "VolunteerService", title = "社区图书馆志愿服务", location = "龙泉驿区图书馆", offCampus = false,
            startsAt, endsAt = startsAt.AddHours(3), seats = 10, minAge = 6, maxAge = 18,
        }), r => r.StatusCode == HttpStatusCode.Created, TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.Created, drafted.StatusCode);
        var activity = (await drafted.ReadJson()).GetProperty("id").GetGuid();
        var open = new HttpRequestMessage(HttpMethod.Post, $"/api/activities/{activity}/open") { Content = System.Net.Http.Json.JsonContent.Create(new { }) };
        open.Headers.IfMatch.Add(drafted.Headers.ETag!);
        Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(open)).StatusCode);
        var student = Guid.NewGuid();
        var registered = await teacher.Post($"/api/activities/{activity}/registrations", new
        {
            studentId = student, displayName = "小华", birthDate = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(-11),
            guardianConsent = true, className = "五年级一班",
        });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        console.ActivitiesClock.Advance(TimeSpan.FromMinutes(30));

        // The school admin finds the activity in the month calendar and records the hours in its roster.
        var calendar = await console.SignInWithFormAsync("SchoolAdmin", County, schoolId: school, path: "/console/activities");
        await ConsoleSystem.InteractiveAsync(calendar);
        var day = startsAt.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd");
        var entry = calendar.Locator($"[data-test=day][data-date='{day}'] [data-test=day-activity]", new() { HasText = "社区图书馆志愿服务" });
        await Assertions.Expect(entry).ToHaveCountAsync(1);
        await console.ShotAsync(calendar, "13a-activities-month");
        // The list stays as the other view.
        await calendar.ClickAsync("[data-test=view-list]");
        await Assertions.Expect(calendar.Locator("[data-test=activities]")).ToContainTextAsync("社区图书馆志愿服务");
        await calendar.ClickAsync("[data-test=view-month]");
        await entry.ClickAsync();
        var own = calendar.Locator($"[data-test=hours][data-student='{student}']");
        await own.Locator("[data-test=hours-input]").FillAsync("0");
        await own.Locator("[data-test=record-hours]").ClickAsync();
        await Assertions.Expect(own.Locator("[data-test=field-error][data-field=hours]")).ToContainTextAsync("须大于 0");
        await own.Locator("[data-test=hours-input]").FillAsync("2.5");
        await own.Locator("[data-test=record-hours]").ClickAsync();
        await Assertions.Expect(own).ToHaveAttributeAsync("data-status", "Recorded");
        await console.ShotAsync(calendar, "13b-volunteer-hours-recorded");

        var page = await console.SignInWithFormAsync("Teacher", County, schoolId: school, path: $"/console/activities/{activity}");
        await ConsoleSystem.InteractiveAsync(page);
        var cell = page.Locator($"[data-test=hours][data-student='{student}']");
        await Assertions.Expect(cell).ToHaveAttributeAsync("data-status", "Recorded");
        await cell.Locator("[data-test=approve-hours]").ClickAsync();
        await Assertions.Expect(cell).ToHaveAttributeAsync("data-status", "Approved");
        await console.ShotAsync(page, "13-volunteer-hours-approved");

        var hours = await (await teacher.GetAsync($"/api/activities/students/{student}/volunteer-hours")).ReadJson();
        Assert.Equal(2.5m, hours.GetProperty("approvedHours").GetDecimal());
        Assert.Equal(0m, hours.GetProperty("pendingHours").GetDecimal());
    }

    [Fact]
    public async Task A_member_officer_publishes_a_resource_through_the_form_and_withdraws_it()
    {
        var (alliance, name, _, unit) = await AllianceWithMembersAsync();
        var page = await console.SignInWithFormAsync("MemberOfficer", County, unitId: unit, path: "/console/resources");
        await ConsoleSystem.InteractiveAsync(page);
        await page.ClickAsync("[data-test=open-publish]");
        // The unit's own alliances, by name.
        await ConsoleSystem.PickAsync(page, "resource-alliance", name, alliance);
        await page.ClickAsync("[data-test=resource-submit]");
        foreach (var field in new[] { "kind", "title", "topics", "capacity" })
        {
            await Assertions.Expect(page.Locator($"[data-test=field-error][data-field={field}]")).ToBeVisibleAsync();
        }
        var title = $"交通安全进校园讲座 {Guid.NewGuid().ToString()[..6]}";
        await page.SelectOptionAsync("[data-test=resource-kind]", "Expert");
        await page.FillAsync("[data-test=resource-title]", title);
        await page.CheckAsync("[data-test=resource-topics] input[data-value=PoliceSchool]");
        await page.FillAsync("[data-test=resource-capacity]", "200");
        await page.ClickAsync("[data-test=resource-submit]");
        var row = page.Locator("[data-test=resources] tr", new() { HasText = title });
        await Assertions.Expect(row).ToContainTextAsync("警校联动");
        await Assertions.Expect(row).ToContainTextAsync("龙泉驿区龙泉派出所");
        await console.ShotAsync(page, "17-resource-published");

        using var api = console.Api(Role.CountyAdmin, County);
        var list = await (await api.GetAsync($"/api/alliances/resources?allianceId={alliance}")).ReadJson();
        var resource = Assert.Single(list.GetProperty("items").EnumerateArray(), r => r.GetProperty("title").GetString() == title);
        Assert.Equal(unit, resource.GetProperty("unitId").GetGuid());
        Assert.Equal("Published", resource.GetProperty("status").GetString());

        // Withdrawing needs a reason: said by the API, then done.
        await row.Locator("[data-test=withdraw]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-test=problem-field][data-field=reason]")).ToBeVisibleAsync();
        await page.FillAsync("[data-test=withdraw-reason]", "讲师调岗 / the speaker moved");
        await row.Locator("[data-test=withdraw]").ClickAsync();
        await Assertions.Expect(row).ToHaveCountAsync(0);
        var withdrawn = await (await api.GetAsync($"/api/alliances/resources/{resource.GetProperty("id").GetGuid()}")).ReadJson();
        Assert.Equal("Withdrawn", withdrawn.GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_member_units_list_names_each_kind_in_chinese_and_its_filter_offers_every_kind()
    {
        var (_, _, school, unit) = await AllianceWithMembersAsync();
        var page = await console.SignInWithFormAsync("CountyAdmin", County, path: "/console/units");
        await ConsoleSystem.InteractiveAsync(page);
        var filter = page.Locator("label:has-text('类型 Kind') select");
        // Every kind of the API, with its Chinese name: the legal vice-principal's procuratorate and court too.
        foreach (var option in new[] { "学校 School", "派出所 PoliceStation", "图书馆 Library", "检察院 Procuratorate", "法院 Court" })
        {
            await Assertions.Expect(filter.Locator("option", new() { HasText = option })).ToHaveCountAsync(1);
        }
        // A school unit is a 学校 (not the school alliance, 校级教联体), a police station a 派出所.
        var table = page.Locator("[data-test=units]");
        await Assertions.Expect(table.Locator($"tr:has-text('{school}')")).ToContainTextAsync("学校");
        await Assertions.Expect(table.Locator($"tr:has-text('{school}')")).Not.ToContainTextAsync("校级教联体");
        await Assertions.Expect(table.Locator($"tr:has-text('{unit}')")).ToContainTextAsync("派出所");
        await filter.SelectOptionAsync("PoliceStation");
        await Assertions.Expect(table.Locator($"tr:has-text('{school}')")).ToHaveCountAsync(0);
        await Assertions.Expect(table.Locator($"tr:has-text('{unit}')")).ToHaveCountAsync(1);
    }

    /// <summary>A fresh established alliance in the county with a school and a police station as members.</summary>
    private async Task<(Guid Alliance, string Name, Guid School, Guid Unit)> AllianceWithMembersAsync()
    {
        using var api = console.Api(Role.CountyAdmin, County);
        async Task<Guid> UnitAsync(string kind, string name)
        {
            var created = await api.Post("/api/alliances/units", new
            {
                kind, name, countyCode = County, contactOfficer = "李老师", contactPhone = "028-11111111",
            });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            return (await created.ReadJson()).GetProperty("id").GetGuid();
        }
        var school = await UnitAsync("School", "成都市龙泉驿区试验小学");
        var unit = await UnitAsync("PoliceStation", "龙泉驿区龙泉派出所");
        // A school alliance led by this test's school: a county has one regional alliance at a time (issue 12).
        var name = $"龙泉驿区教联体 {Guid.NewGuid().ToString()[..6]}";
        var established = await api.Post("/api/alliances", new
        {
            name, kind = "School", countyCode = County, leadUnit = "成都市龙泉驿区试验小学",
            leadUnitId = school,
        });
        Assert.Equal(HttpStatusCode.Created, established.StatusCode);
        var alliance = (await established.ReadJson()).GetProperty("id").GetGuid();
        var join = new HttpRequestMessage(HttpMethod.Post, $"/api/alliances/{alliance}/members/batch")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new
            {
                members = new[] { new { unitId = unit, role = "Member" } },
            }),
        };
        join.Headers.IfMatch.Add(established.Headers.ETag!);
        var joined = await api.SendAsync(join);
        Assert.True(joined.IsSuccessStatusCode, $"members join: {(int)joined.StatusCode} {await joined.Content.ReadAsStringAsync()}");
        return (alliance, name, school, unit);
    }
}
