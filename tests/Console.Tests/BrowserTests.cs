using System.Net;
using System.Text.Json;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Microsoft.Playwright;
using Xunit;
using Xunit.Abstractions;

namespace JiaoLianTi.Console.Tests;

/// <summary>
/// The console in a real chromium, through the real gateway, against the whole system: what a county officer, a
/// province officer and a school administrator see and do (issue 14, Tests).
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class BrowserTests(ConsoleSystem console, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private const string Jinjiang = ConsoleSystem.Jinjiang;

    [Fact]
    public async Task A_county_officer_signs_in_sees_the_workbench_and_the_map_with_the_coverage_the_API_gives()
    {
        await EstablishedAsync(Jinjiang);
        var page = await console.SignInAsync("CountyAdmin", Jinjiang);
        await ConsoleSystem.InteractiveAsync(page);
        await Assertions.Expect(page.Locator("[data-test=who]")).ToContainTextAsync("开发登录");
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("工作台");
        await page.Locator("[data-test=rendered]").WaitForAsync();
        var todos = await page.Locator("[data-test=todo]").CountAsync();
        Assert.True(todos >= 5, $"a county officer has {todos} kinds of to-do");
        await Assertions.Expect(page.Locator("[data-test=todo][data-key=safety-plans]")).ToContainTextAsync("待审批的安全预案");
        output.WriteLine($"工作台 all to-dos read in {await page.Locator("[data-test=rendered]").GetAttributeAsync("data-ms")} ms");
        await console.ShotAsync(page, "01-workbench-county-510104");

        await page.ClickAsync("a.jlt-menu-item[href=coverage]");
        var map = page.Locator("[data-test=map][data-features]");
        await map.WaitForAsync();
        using var api = console.Api(Role.CountyAdmin, Jinjiang);
        // A bureau sees its whole province (coverage is aggregate): Sichuan's 183 counties, its own county selected.
        var coverage = await (await api.GetAsync("/api/alliances/coverage?region=51")).ReadJson();
        var figure = page.Locator("[data-test=coverage-figure]");
        Assert.Equal(coverage.GetProperty("establishedCounties").GetInt32().ToString(), await figure.GetAttributeAsync("data-established"));
        Assert.Equal("183", await figure.GetAttributeAsync("data-counties"));
        await Assertions.Expect(figure).ToContainTextAsync("四川省");
        Assert.Equal("183", await map.GetAttributeAsync("data-features"));
        Assert.Equal("183", await map.GetAttributeAsync("data-coloured"));
        await Assertions.Expect(page.Locator("[data-test=selected]")).ToContainTextAsync("锦江区");
        output.WriteLine($"map drawn in {await map.GetAttributeAsync("data-rendered-ms")} ms (in the browser)");
        await console.ShotAsync(page, "02-coverage-county-510104");
    }

    [Fact]
    public async Task A_province_officer_sees_every_county_drills_into_a_city_and_downloads_the_CSV()
    {
        foreach (var county in new[] { Jinjiang, "510105", "510106", "510107", "510703", "511102", "513401" })
        {
            await EstablishedAsync(county);
        }
        var page = await console.SignInAsync("ProvinceAdmin", "51", "/console/coverage");
        await ConsoleSystem.InteractiveAsync(page);
        var map = page.Locator("[data-test=map][data-features]");
        await map.WaitForAsync();
        using var api = console.Api(Role.ProvinceAdmin, "51");
        var coverage = await (await api.GetAsync("/api/alliances/coverage?region=51")).ReadJson();
        Assert.Equal(183, coverage.GetProperty("counties").GetInt32());
        var figure = page.Locator("[data-test=coverage-figure]");
        Assert.Equal(coverage.GetProperty("establishedCounties").GetInt32().ToString(), await figure.GetAttributeAsync("data-established"));
        Assert.Equal("183", await map.GetAttributeAsync("data-coloured"));
        Assert.Equal(coverage.GetProperty("establishedCounties").GetInt32().ToString(), await map.GetAttributeAsync("data-established"));
        Assert.Equal(183, await page.Locator("[data-test=coverage-table] tbody tr").CountAsync());
        await console.ShotAsync(page, "03-coverage-province-51");

        // Drill down: a click on 锦江区 opens 成都市's map.
        // ECharts may still be laying the map out (animation) when the first click lands: click again until it drills.
        for (var attempt = 1; ; attempt++)
        {
            await ClickCountyAsync(page, Jinjiang);
            try
            {
                await Assertions.Expect(page.Locator("[data-test=coverage-figure]")).ToContainTextAsync("成都市", new() { Timeout = 10_000 });
                break;
            }
            catch (PlaywrightException) when (attempt < 3)
            {
            }
        }
        await page.Locator("[data-test=map][data-features]").WaitForAsync();
        var cityFeatures = int.Parse((await page.Locator("[data-test=map]").GetAttributeAsync("data-features"))!);
        Assert.Equal(20, cityFeatures);
        await console.ShotAsync(page, "04-coverage-city-5101");

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("[data-test=csv]"));
        var file = Path.Combine(console.Screenshots, "coverage-5101.csv");
        await download.SaveAsAsync(file);
        var lines = await File.ReadAllLinesAsync(file);
        Assert.StartsWith("县区代码 County code", lines[0].TrimStart('\uFEFF'));
        Assert.Contains(lines, l => l.StartsWith(Jinjiang + ","));
    }

    [Fact]
    public async Task A_county_officer_establishes_an_alliance_through_the_form_and_finds_it_in_the_list()
    {
        // A county with no regional alliance yet: a county has one at a time (issue 12).
        const string Qionglai = "510183";
        var page = await console.SignInWithFormAsync("CountyAdmin", Qionglai, path: "/console/alliances");
        await ConsoleSystem.InteractiveAsync(page);
        await page.ClickAsync("[data-test=open-establish]");
        var name = $"锦江区社区教联体 {Guid.NewGuid().ToString()[..6]}";
        await page.FillAsync("[data-test=name]", name);
        await page.FillAsync("[data-test=leadUnit]", "成都市锦江区教育局");
        await page.ClickAsync("[data-test=submit]");
        await Assertions.Expect(page.Locator("[data-test=established]")).ToContainTextAsync(name);
        await console.ShotAsync(page, "05-alliances-established");
        await Assertions.Expect(page.Locator("[data-test=alliances]")).ToContainTextAsync(name);

        using var api = console.Api(Role.CountyAdmin, Qionglai);
        var list = await (await api.GetAsync($"/api/alliances?county={Qionglai}&pageSize=500")).ReadJson();
        var listed = Assert.Single(list.GetProperty("items").EnumerateArray(), a => a.GetProperty("name").GetString() == name);
        // The list row shows how many members the alliance has (the list's summary carries the count, not the members).
        var row = page.Locator("[data-test=alliances] tr", new() { HasText = name });
        await Assertions.Expect(row.Locator("[data-test=alliance-members]"))
            .ToHaveTextAsync(listed.GetProperty("memberCount").GetInt32().ToString());
        await console.ShotAsync(page, "05-alliances-established");
    }

    [Fact]
    public async Task A_wrong_form_shows_each_field_error_the_API_gives_and_changes_nothing()
    {
        using var api = console.Api(Role.CountyAdmin, Jinjiang);
        var before = (await (await api.GetAsync($"/api/alliances?county={Jinjiang}&pageSize=1")).ReadJson()).GetProperty("total").GetInt32();
        var page = await console.SignInAsync("CountyAdmin", Jinjiang, "/console/alliances");
        await ConsoleSystem.InteractiveAsync(page);
        await page.ClickAsync("[data-test=open-establish]");
        await page.FillAsync("[data-test=countyCode]", "519999");
        await page.ClickAsync("[data-test=submit]");
        var nameError = page.Locator("[data-test=field-error][data-field=name]");
        await Assertions.Expect(nameError).ToContainTextAsync("必填");
        await Assertions.Expect(page.Locator("[data-test=field-error][data-field=countyCode]")).ToContainTextAsync("县级行政区划代码");
        await Assertions.Expect(page.Locator("[data-test=field-error][data-field=leadUnit]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-test=problem]")).ToContainTextAsync("请求参数无效");
        await console.ShotAsync(page, "06-establish-field-errors");
        var after = (await (await api.GetAsync($"/api/alliances?county={Jinjiang}&pageSize=1")).ReadJson()).GetProperty("total").GetInt32();
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task A_school_admin_cannot_reach_the_countys_pages()
    {
        var school = await SchoolAsync(Jinjiang);
        var page = await console.SignInWithFormAsync("SchoolAdmin", Jinjiang, schoolId: school);
        await ConsoleSystem.InteractiveAsync(page);
        await Assertions.Expect(page.Locator("[data-test=who]")).ToContainTextAsync("学校管理员");
        Assert.Equal(0, await page.Locator("a.jlt-menu-item[href=coverage]").CountAsync());
        Assert.Equal(0, await page.Locator("a.jlt-menu-item[href=meetings]").CountAsync());
        await page.GotoAsync("/console/coverage");
        await Assertions.Expect(page.Locator("[data-test=forbidden]")).ToContainTextAsync("无权访问此页");
        Assert.Equal(0, await page.Locator("[data-test=coverage-figure]").CountAsync());
        // ... and the API, which decides, refuses the school too.
        using var api = console.Api(Role.SchoolAdmin, Jinjiang, schoolId: school);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.GetAsync("/api/alliances/coverage")).StatusCode);
        await console.ShotAsync(page, "07-school-admin-forbidden");
    }

    [Fact]
    public async Task The_demo_schools_teacher_signs_in_with_a_preset_at_the_demo_school_found_by_its_name()
    {
        using var api = console.Api(Role.CountyAdmin, Jinjiang);
        // A school that the directory lists before the demo school (一 sorts before 成): the preset must not take it.
        await UnitNamedAsync(api, "一〇一测试小学");
        var demo = await UnitNamedAsync(api, JiaoLianTi.Console.Auth.DemoSchool.Name);
        var first = (await (await api.GetAsync($"/api/alliances/units?county={Jinjiang}&kind=School&pageSize=1")).ReadJson())
            .GetProperty("items")[0].GetProperty("id").GetGuid();
        Assert.NotEqual(demo, first);

        var page = await console.NewPageAsync();
        await page.GotoAsync("/console/");
        await page.Locator($"[data-test=preset][data-role=Teacher][data-region='{Jinjiang}']").ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/signin"));
        await ConsoleSystem.InteractiveAsync(page);
        await Assertions.Expect(page.Locator("[data-test=who]")).ToContainTextAsync("李老师 · 教师");
        var school = page.Locator("[data-test=who-school]");
        await Assertions.Expect(school).ToHaveAttributeAsync("data-id", demo.ToString());
        await Assertions.Expect(school).ToContainTextAsync(JiaoLianTi.Console.Auth.DemoSchool.Name);
        await console.ShotAsync(page, "08-demo-school-teacher-preset");
    }

    [Fact]
    public async Task A_department_officer_signs_in_with_a_department_and_reads_its_hazards_only()
    {
        var page = await console.SignInWithFormAsync("DepartmentOfficer", Jinjiang, department: "TrafficPolice", path: "/console/safety");
        await ConsoleSystem.InteractiveAsync(page);
        await Assertions.Expect(page.Locator("[data-test=who]")).ToContainTextAsync("部门工作人员");
        await Assertions.Expect(page.Locator("[data-test=department-note]")).ToContainTextAsync("只读");
        // The hazards panel loads (a table, or its empty state) and the API refused nothing on this page.
        await Assertions.Expect(page.Locator("[data-test=hazards], [data-test=empty]").First).ToBeVisibleAsync();
        Assert.Equal(0, await page.Locator("[data-test=problem]").CountAsync());
        Assert.Equal(0, await page.Locator("[data-test=guard]").CountAsync());
        Assert.Equal(0, await page.Locator("a.jlt-menu-item[href=coverage]").CountAsync());
        // The API decides what the table holds: the same token reads the hazard list, and is refused a bureau's figures.
        using var api = console.Api(new TokenRequest(Role.DepartmentOfficer, Jinjiang, Department: Department.TrafficPolice));
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/campussafety/reports")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await api.GetAsync("/api/alliances/coverage")).StatusCode);
        await console.ShotAsync(page, "18-department-officer-safety");
    }

    [Fact]
    public async Task A_school_drafts_a_study_trip_in_the_console_and_the_safety_plan_approved_there_opens_it()
    {
        var school = await SchoolAsync(Jinjiang);
        var title = $"锦江研学 {Guid.NewGuid().ToString()[..6]}";
        var day = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).Date.AddDays(10);
        var schoolPage = await console.SignInWithFormAsync("SchoolAdmin", Jinjiang, schoolId: school, path: "/console/activities");
        await ConsoleSystem.InteractiveAsync(schoolPage);
        await schoolPage.ClickAsync("[data-test=new-activity]");
        await schoolPage.SelectOptionAsync("[data-test=activity-kind]", "StudyTrip");
        await schoolPage.FillAsync("[data-test=activity-title]", title);
        await schoolPage.FillAsync("[data-test=activity-location]", "四川科技馆");
        await schoolPage.FillAsync("[data-test=activity-starts]", day.AddHours(9).ToString("yyyy-MM-ddTHH:mm"));
        await schoolPage.FillAsync("[data-test=activity-ends]", day.AddHours(14).ToString("yyyy-MM-ddTHH:mm"));
        await schoolPage.FillAsync("[data-test=activity-seats]", "40");
        await console.ShotAsync(schoolPage, "08a-draft-activity-form");
        var activityId = await SaveDraftAsync(schoolPage);

        // Off campus: opening it sends the safety plan to the county.
        await schoolPage.FillAsync("[data-test=arrangements]", "大巴 1 辆，带队教师 4 名，意外险");
        await schoolPage.ClickAsync("[data-test=open]");
        await Assertions.Expect(schoolPage.Locator("[data-test=awaiting-plan]")).ToContainTextAsync("待县教育局审批");
        await console.ShotAsync(schoolPage, "08b-activity-awaiting-plan");
        using var county = console.Api(Role.CountyAdmin, Jinjiang);
        await Eventually.Until(
            async () => await (await county.GetAsync($"/api/campussafety/safety-plans?activityId={activityId}")).ReadJson(),
            p => p.GetProperty("total").GetInt32() == 1, Patience);

        var page = await console.SignInAsync("CountyAdmin", Jinjiang, "/console/safety-plans");
        await ConsoleSystem.InteractiveAsync(page);
        var row = page.Locator("tr", new PageLocatorOptions { Has = page.Locator($"[data-test=plan-title]:text-is('{title}')") });
        await row.Locator("[data-test=notes]").FillAsync("同意，注意交通安全");
        await console.ShotAsync(page, "08-safety-plans-to-review");
        await row.Locator("[data-test=approve]").ClickAsync();
        await Assertions.Expect(page.Locator(".ant-alert-success")).ToContainTextAsync("已批准");

        using var admin = console.Api(Role.SchoolAdmin, Jinjiang, schoolId: school);
        var activity = await Eventually.Until(
            async () => await (await admin.GetAsync($"/api/activities/{activityId}")).ReadJson(),
            a => a.GetProperty("status").GetString() == "Open", Patience);
        Assert.Equal("Open", activity.GetProperty("status").GetString());
        Assert.Equal(title, activity.GetProperty("title").GetString());
        Assert.Equal(day.AddHours(1), activity.GetProperty("startsAt").GetDateTimeOffset().UtcDateTime); // 09:00 in Beijing
        await schoolPage.ReloadAsync();
        await Assertions.Expect(schoolPage.Locator("h1")).ToContainTextAsync("报名中");
    }

    [Fact]
    public async Task On_the_day_a_school_opens_its_lecture_and_checks_a_registered_student_in_from_the_console()
    {
        var school = await SchoolAsync(Jinjiang);
        var now = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8));
        var page = await console.SignInWithFormAsync("Teacher", Jinjiang, schoolId: school, path: "/console/activities");
        await ConsoleSystem.InteractiveAsync(page);
        await page.ClickAsync("[data-test=new-activity]");
        await page.SelectOptionAsync("[data-test=activity-kind]", "Lecture");
        await page.FillAsync("[data-test=activity-title]", $"法治讲座 {Guid.NewGuid().ToString()[..6]}");
        await page.FillAsync("[data-test=activity-location]", "学校报告厅");
        await page.FillAsync("[data-test=activity-starts]", now.AddHours(2).ToString("yyyy-MM-ddTHH:mm"));
        await page.FillAsync("[data-test=activity-ends]", now.AddHours(4).ToString("yyyy-MM-ddTHH:mm"));
        var activityId = await SaveDraftAsync(page);
        await page.ClickAsync("[data-test=open]");
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("报名中");

        var child = Guid.NewGuid();
        using var parent = console.Api(new TokenRequest(Role.Parent, Jinjiang, SchoolId: school, Subject: $"parent-of-{child}", Children: [child]));
        var registered = await parent.Post($"/api/activities/{activityId}/registrations", new
        {
            studentId = child, displayName = "小明", birthDate = "2014-03-01", schoolId = school, className = "六年级一班", guardianConsent = true,
        });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);

        await page.ReloadAsync();
        await ConsoleSystem.InteractiveAsync(page);
        var cell = page.Locator($"[data-test=checked-in][data-student='{child}']");
        await cell.Locator("[data-test=check-in]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-test=activity-facts]")).ToContainTextAsync("签到 checked in 1");
        await console.ShotAsync(page, "08c-activity-checked-in");
        using var teacher = console.Api(Role.Teacher, Jinjiang, schoolId: school);
        var registration = await (await teacher.GetAsync($"/api/activities/{activityId}/registrations/{child}")).ReadJson();
        Assert.Equal(JsonValueKind.String, registration.GetProperty("checkedInAt").ValueKind);
        // The cell shows the check-in as the service recorded it, in China's time. (The system's clock may run ahead of
        // this test's, another test having moved it: near China's midnight the test's own date would be the day before.)
        var checkedIn = registration.GetProperty("checkedInAt").GetDateTimeOffset().ToOffset(TimeSpan.FromHours(8));
        await Assertions.Expect(cell).ToContainTextAsync(checkedIn.ToString("yyyy-MM-dd HH:mm"));
    }

    [Fact]
    public async Task A_teacher_sets_up_an_after_school_programme_and_takes_a_sessions_attendance_in_the_console()
    {
        var school = await SchoolAsync(Jinjiang);
        var title = $"足球兴趣班 {Guid.NewGuid().ToString()[..6]}";
        var page = await console.SignInWithFormAsync("Teacher", Jinjiang, schoolId: school, path: "/console/programmes");
        await ConsoleSystem.InteractiveAsync(page);
        await page.ClickAsync("[data-test=new-programme]");
        await page.FillAsync("[data-test=programme-title]", title);
        await page.FillAsync("[data-test=programme-provider-name]", "本校体育组");
        await page.CheckAsync("[data-test=programme-dimensions] input[data-value=Physical]");
        var programmeId = await SaveDraftAsync(page, "programme-submit", "programmes");
        await page.ClickAsync("[data-test=programme-open]");
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("报名中");

        // A parent enrols a child for the term (the parents' side, through the API).
        var child = Guid.NewGuid();
        using var parent = console.Api(new TokenRequest(Role.Parent, Jinjiang, SchoolId: school, Subject: $"parent-of-{child}", Children: [child]));
        var enrolled = await parent.Post($"/api/activities/programmes/{programmeId}/enrolments", new { studentId = child, displayName = "小明", className = "三年级一班" });
        Assert.Equal(HttpStatusCode.Created, enrolled.StatusCode);

        await page.ReloadAsync();
        await ConsoleSystem.InteractiveAsync(page);
        await page.CheckAsync($"[data-test=attendance-sheet] input[data-student='{child}']");
        await page.ClickAsync("[data-test=save-attendance]");
        await Assertions.Expect(page.Locator("[data-test=attendance-saved]")).ToContainTextAsync("1 人到课");
        await Assertions.Expect(page.Locator($"[data-test=sessions-attended][data-student='{child}']")).ToHaveTextAsync("1");
        await console.ShotAsync(page, "08d-programme-attendance");
        using var teacher = console.Api(Role.Teacher, Jinjiang, schoolId: school);
        var programme = await (await teacher.GetAsync($"/api/activities/programmes/{programmeId}")).ReadJson();
        Assert.Equal(1, programme.GetProperty("sessionsHeld").GetInt32());
        Assert.Equal(1, programme.GetProperty("attendances").GetInt32());
    }

    /// <summary>
    /// 一校一策 and 体教互融 against the real services: a school's admin draws up the traffic plan with a bus route (the
    /// stops' times as CampusSafety reads them) and lands on its page; a teacher logs a class's minutes for today and
    /// corrects them, and the school's share follows.
    /// </summary>
    [Fact]
    public async Task A_school_draws_up_its_traffic_plan_and_a_teacher_logs_and_corrects_a_classs_minutes()
    {
        var school = await SchoolAsync(Jinjiang);
        var page = await console.SignInWithFormAsync("SchoolAdmin", Jinjiang, schoolId: school, path: "/console/traffic-plans");
        await ConsoleSystem.InteractiveAsync(page);
        await page.FillAsync("[data-test=plan-summary]", "东门设护学岗，7:30-8:10 禁止车辆停靠。");
        await page.ClickAsync("[data-test=route-add]");
        await page.FillAsync("[data-test=route-name-0]", "东线");
        await page.FillAsync("[data-test=stop-name-0-0]", "春熙路站");
        await page.FillAsync("[data-test=stop-time-0-0]", "07:10");
        await page.FillAsync("[data-test=stop-name-0-1]", "学校东门");
        await page.FillAsync("[data-test=stop-time-0-1]", "07:35");
        // CampusSafety learns of a school just registered from Alliances' event: until then it refuses, and the admin tries again.
        var deadline = DateTime.UtcNow + Patience;
        var saved = new System.Text.RegularExpressions.Regex($"/console/traffic-plans/{school}$");
        while (!saved.IsMatch(page.Url))
        {
            Assert.True(DateTime.UtcNow < deadline, $"not saved within {Patience.TotalSeconds} s: {page.Url}");
            await page.ClickAsync("[data-test=plan-submit]");
            try
            {
                await page.WaitForURLAsync(saved, new() { Timeout = 3_000, WaitUntil = WaitUntilState.Commit });
            }
            catch (Exception e) when (e is PlaywrightException or TimeoutException)
            {
                // Still refused (the school not yet known there): the problem is on the page, the form as typed. (The
                // wait's timeout is a System.TimeoutException, not a PlaywrightException.)
            }
        }
        await ConsoleSystem.InteractiveAsync(page);
        await Assertions.Expect(page.Locator("[data-test=plan-route]")).ToContainTextAsync("07:10 春熙路站");
        await console.ShotAsync(page, "08e-traffic-plan");

        var teacher = await console.SignInWithFormAsync("Teacher", Jinjiang, schoolId: school, path: "/console/physical-activity");
        await ConsoleSystem.InteractiveAsync(teacher);
        var className = $"三年级{Guid.NewGuid().ToString()[..4]}班";
        await teacher.FillAsync("[data-test=minutes-class]", className);
        await teacher.Locator("[data-test=minutes-class]").BlurAsync();
        await teacher.FillAsync("[data-test=minutes-value]", "95");
        await teacher.ClickAsync("[data-test=minutes-save]");
        await Assertions.Expect(teacher.Locator("[data-test=minutes-saved]")).ToContainTextAsync("差 25 分钟", new() { Timeout = 30_000 });
        await teacher.FillAsync("[data-test=minutes-value]", "130");
        await teacher.ClickAsync("[data-test=minutes-save]");
        await Assertions.Expect(teacher.Locator("[data-test=minutes-saved]")).ToContainTextAsync("130 分钟（达到 2 小时）");
        await Assertions.Expect(teacher.Locator("[data-test=report-school]")).ToHaveCountAsync(1);
        await console.ShotAsync(teacher, "08f-physical-activity");
        using var api = console.Api(Role.Teacher, Jinjiang, schoolId: school);
        var day = await (await api.GetAsync($"/api/activities/physical-activity/classes/{Uri.EscapeDataString(className)}/days/{DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)):yyyy-MM-dd}")).ReadJson();
        Assert.Equal((130, 2), (day.GetProperty("minutes").GetInt32(), day.GetProperty("version").GetInt32()));
    }

    /// <summary>
    /// 保存草稿, then the new activity's (programme's) page. Activities learns of a school just registered from Alliances' event, so the
    /// first saves may be answered "your school is not registered yet" (409): the person tries again, as one would.
    /// </summary>
    private static async Task<Guid> SaveDraftAsync(IPage page, string submit = "draft-activity-submit", string pages = "activities")
    {
        var deadline = DateTime.UtcNow + Patience;
        var saved = new System.Text.RegularExpressions.Regex($"/console/{pages}/[0-9a-f-]{{36}}$");
        var problem = page.Locator("[data-test=problem]");
        await page.ClickAsync($"[data-test={submit}]");
        // The answer is the new page, or a refusal shown on this one; a busy machine may take seconds for either.
        while (!saved.IsMatch(page.Url))
        {
            Assert.True(DateTime.UtcNow < deadline, $"not saved within {Patience.TotalSeconds} s: {page.Url}");
            if (await problem.CountAsync() > 0)
            {
                Assert.Contains("school-unknown", await problem.InnerTextAsync());
                await page.WaitForTimeoutAsync(1_000);
                if (!saved.IsMatch(page.Url)) await page.ClickAsync($"[data-test={submit}]");
            }
            await page.WaitForTimeoutAsync(200);
        }
        await ConsoleSystem.InteractiveAsync(page);
        return Guid.Parse(page.Url[^36..]);
    }

    [Fact]
    public async Task A_change_made_meanwhile_by_someone_else_shows_someone_changed_this_reload()
    {
        using var api = console.Api(Role.CountyAdmin, "510108");
        var created = await api.Post("/api/alliances", new { name = "成华区教联体", kind = "Regional", countyCode = "510108", leadUnit = "成华区教育局" });
        var id = (await created.ReadJson()).GetProperty("id").GetGuid();
        var page = await console.SignInWithFormAsync("CountyAdmin", "510108", path: $"/console/alliances/{id}");
        await ConsoleSystem.InteractiveAsync(page);
        await page.Locator("[data-test=suspend]").WaitForAsync();

        var suspend = new HttpRequestMessage(HttpMethod.Post, $"/api/alliances/{id}/suspend")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { reason = "整改 under review" }),
        };
        suspend.Headers.IfMatch.Add(created.Headers.ETag!);
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(suspend)).StatusCode);

        await page.FillAsync("[data-test=reason]", "合并 merged");
        await page.ClickAsync("[data-test=dissolve]");
        await Assertions.Expect(page.Locator("[data-test=problem][data-status='412']")).ToContainTextAsync("他人已修改此项，请刷新");
        await console.ShotAsync(page, "09-stale-412");
        await page.ClickAsync("[data-test=reload]");
        await Assertions.Expect(page.Locator("[data-test=reestablish]")).ToBeVisibleAsync();
    }

    private static async Task ClickCountyAsync(IPage page, string code)
    {
        // A click on the county's shape: ECharts draws on a canvas, so click where the county's centre is drawn.
        var point = await page.EvaluateAsync<double[]>(@"code => {
            const el = document.querySelector('[data-test=map]');
            const chart = echarts.getInstanceByDom(el);
            const p = chart.convertToPixel({ seriesId: 'coverage' }, chart.getModel().getSeriesByIndex(0).coordinateSystem.getRegion(code).getCenter());
            const r = el.getBoundingClientRect();
            return [r.left + p[0], r.top + p[1]];
        }", code);
        await page.Mouse.ClickAsync((float)point[0], (float)point[1]);
    }

    private async Task EstablishedAsync(string county)
    {
        using var api = console.Api(Role.CountyAdmin, county);
        var list = await (await api.GetAsync($"/api/alliances?county={county}&kind=Regional&status=Established&pageSize=1")).ReadJson();
        if (list.GetProperty("total").GetInt32() > 0) return;
        var created = await api.Post("/api/alliances", new { name = $"{county} 区域教联体", kind = "Regional", countyCode = county, leadUnit = "教育局" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    /// <summary>A school of Jinjiang by its exact name, registered if the directory does not list it yet.</summary>
    private static async Task<Guid> UnitNamedAsync(HttpClient api, string name)
    {
        var units = await (await api.GetAsync($"/api/alliances/units?county={Jinjiang}&kind=School&q={Uri.EscapeDataString(name)}&pageSize=10")).ReadJson();
        foreach (var unit in units.GetProperty("items").EnumerateArray())
        {
            if (unit.GetProperty("name").GetString() == name) return unit.GetProperty("id").GetGuid();
        }
        var created = await api.Post("/api/alliances/units", new
        {
            kind = "School", name, countyCode = Jinjiang, contactOfficer = "教务处", contactPhone = "028-00000000",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.ReadJson()).GetProperty("id").GetGuid();
    }

    private async Task<Guid> SchoolAsync(string county)
    {
        using var api = console.Api(Role.CountyAdmin, county);
        var units = await (await api.GetAsync($"/api/alliances/units?county={county}&kind=School&pageSize=1")).ReadJson();
        if (units.GetProperty("items").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } existing)
        {
            return existing.GetProperty("id").GetGuid();
        }
        var created = await api.Post("/api/alliances/units", new
        {
            kind = "School", name = "成都市锦江区试验小学", countyCode = county, contactOfficer = "王老师", contactPhone = "028-00000000",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.ReadJson()).GetProperty("id").GetGuid();
    }
}
