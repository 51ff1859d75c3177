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
        var (alliance, school, _) = await AllianceWithMembersAsync();
        var page = await console.SignInWithFormAsync("SchoolAdmin", County, schoolId: school, path: "/console/needs");
        await ConsoleSystem.InteractiveAsync(page);
        // Sent empty first: the API's field error beside the field.
        await page.Locator($"[data-test=need-alliance] option[value='{alliance}']").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await page.SelectOptionAsync("[data-test=need-alliance]", alliance.ToString());
        await page.ClickAsync("[data-test=raise-need-submit]");
        await Assertions.Expect(page.Locator("[data-test=field-error][data-field=description]")).ToBeVisibleAsync();
        var description = $"需要课后托管志愿者 {Guid.NewGuid().ToString()[..6]}";
        await page.SelectOptionAsync("[data-test=need-category]", "AfterSchoolCare");
        await page.FillAsync("[data-test=need-description]", description);
        await page.ClickAsync("[data-test=raise-need-submit]");
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync(description);
        await console.ShotAsync(page, "10-need-raised");

        using var api = console.Api(Role.SchoolAdmin, County, schoolId: school);
        var needs = await (await api.GetAsync($"/api/alliances/needs?allianceId={alliance}")).ReadJson();
        var need = Assert.Single(needs.GetProperty("items").EnumerateArray(), n => n.GetProperty("description").GetString() == description);
        Assert.Equal("Raised", need.GetProperty("status").GetString());
        Assert.Equal("AfterSchoolCare", need.GetProperty("category").GetString());
    }

    [Fact]
    public async Task A_county_officer_assigns_a_responsibility_through_the_form_and_the_API_has_it()
    {
        var (alliance, _, unit) = await AllianceWithMembersAsync();
        var page = await console.SignInWithFormAsync("CountyAdmin", County, path: "/console/responsibilities");
        await ConsoleSystem.InteractiveAsync(page);
        await page.Locator($"[data-test=resp-alliance] option[value='{alliance}']").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await page.SelectOptionAsync("[data-test=resp-alliance]", alliance.ToString());
        var title = $"上下学交通疏导 {Guid.NewGuid().ToString()[..6]}";
        await page.FillAsync("[data-test=resp-unitId]", unit.ToString());
        await page.FillAsync("[data-test=resp-title]", title);
        await page.FillAsync("[data-test=resp-dueOn]", DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd"));
        await page.ClickAsync("[data-test=assign-submit]");
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync(title);
        await console.ShotAsync(page, "11-responsibility-assigned");

        using var api = console.Api(Role.CountyAdmin, County);
        var list = await (await api.GetAsync($"/api/alliances/responsibilities?allianceId={alliance}")).ReadJson();
        var item = Assert.Single(list.GetProperty("items").EnumerateArray(), r => r.GetProperty("title").GetString() == title);
        Assert.Equal(unit, item.GetProperty("unitId").GetGuid());
        Assert.Equal("Assigned", item.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_county_officer_records_a_meeting_through_the_form_and_the_API_has_it()
    {
        var (alliance, school, unit) = await AllianceWithMembersAsync();
        var page = await console.SignInWithFormAsync("CountyAdmin", County, path: "/console/meetings");
        await ConsoleSystem.InteractiveAsync(page);
        await page.Locator($"[data-test=meeting-alliance] option[value='{alliance}']").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await page.SelectOptionAsync("[data-test=meeting-alliance]", alliance.ToString());
        var title = $"春季恳谈会 {Guid.NewGuid().ToString()[..6]}";
        await page.FillAsync("[data-test=meeting-heldOn]", DateTime.UtcNow.AddDays(-2).ToString("yyyy-MM-dd"));
        await page.FillAsync("[data-test=meeting-title]", title);
        await page.FillAsync("[data-test=meeting-units]", $"{school}, {unit}");
        await page.FillAsync("[data-test=meeting-minutes]", "议定：派出所负责上下学时段交通疏导。");
        await page.ClickAsync("[data-test=meeting-submit]");
        await Assertions.Expect(page.Locator("[data-test=meetings]")).ToContainTextAsync(title);
        await console.ShotAsync(page, "12-meeting-recorded");

        using var api = console.Api(Role.CountyAdmin, County);
        var list = await (await api.GetAsync($"/api/alliances/meetings?allianceId={alliance}")).ReadJson();
        var meeting = Assert.Single(list.GetProperty("items").EnumerateArray(), m => m.GetProperty("title").GetString() == title);
        Assert.Equal(2, meeting.GetProperty("attendingUnitIds").GetArrayLength());
    }

    [Fact]
    public async Task A_teacher_approves_a_students_volunteer_hours_in_the_roster_and_the_API_counts_them()
    {
        var (_, school, _) = await AllianceWithMembersAsync();
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
        var recorded = await admin.PutAsync($"/api/activities/{activity}/volunteer-hours/{student}",
            System.Net.Http.Json.JsonContent.Create(new { hours = 2.5 }));
        Assert.Equal(HttpStatusCode.Created, recorded.StatusCode);

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

    /// <summary>A fresh established alliance in the county with a school and a police station as members.</summary>
    private async Task<(Guid Alliance, Guid School, Guid Unit)> AllianceWithMembersAsync()
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
        var established = await api.Post("/api/alliances", new
        {
            name = $"龙泉驿区教联体 {Guid.NewGuid().ToString()[..6]}", kind = "School", countyCode = County, leadUnit = "成都市龙泉驿区试验小学",
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
        return (alliance, school, unit);
    }
}
