using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Microsoft.Playwright;
using Xunit;
using Xunit.Abstractions;

namespace JiaoLianTi.Console.Tests;

/// <summary>
/// 家长端 (issue 15): the parents' pages at the gateway's /parent, in a real chromium at a phone's viewport (390×844),
/// against the whole system of the console fixture. Each test is its own family with fresh children.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ParentTests(ConsoleSystem console, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private const string Jinjiang = ConsoleSystem.Jinjiang;

    [Fact]
    public async Task A_parent_registers_an_under_14_child_with_consent_and_sees_the_seat()
    {
        var school = await SchoolAsync();
        var activity = await OpenActivityAsync(school, "社区实践课堂：垃圾分类", seats: 5);
        var child = Guid.NewGuid();
        var page = await SignInAsync("张女士", school, child);
        await console.ShotAsync(page, "p01-home-no-registrations");

        await page.GotoAsync("/parent/activities?age=10");
        await Assertions.Expect(page.Locator($"[data-test=activity][data-id='{activity}']")).ToBeVisibleAsync();
        await console.ShotAsync(page, "p02-activities-filtered");
        await page.Locator($"[data-test=activity][data-id='{activity}']").ClickAsync();
        await Assertions.Expect(page.Locator("[data-test=seats]")).ToHaveAttributeAsync("data-left", "5");
        await console.ShotAsync(page, "p03-activity-detail");
        var form = page.Locator($"[data-test=child-registration][data-child='{child}'] [data-test=register-form]");
        await form.Locator("[data-test=displayName]").FillAsync("张小雨");
        await form.Locator("[data-test=birthDate]").FillAsync("2016-05-01");
        // Without the consent the API refuses an under-14, and the page says why in a parent's words.
        await form.Locator("[data-test=register]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-test=error]")).ToContainTextAsync("未满 14 周岁");
        await console.ShotAsync(page, "p03-activity-consent-required-error");

        // What was typed is still there: only the consent is missing.
        form = page.Locator($"[data-test=child-registration][data-child='{child}'] [data-test=register-form]");
        await Assertions.Expect(form.Locator("[data-test=displayName]")).ToHaveValueAsync("张小雨");
        await Assertions.Expect(form.Locator("[data-test=birthDate]")).ToHaveValueAsync("2016-05-01");
        await form.Locator("[data-test=consent]").CheckAsync();
        await form.Locator("[data-test=register]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-test=ok]")).ToContainTextAsync("报名成功");
        var mine = page.Locator($"[data-test=child-registration][data-child='{child}'] [data-test=reg-status]");
        await Assertions.Expect(mine).ToHaveTextAsync("已报名");
        await Assertions.Expect(page.Locator("[data-test=seats]")).ToHaveAttributeAsync("data-left", "4");
        await console.ShotAsync(page, "p04-activity-registered");

        using var api = console.Api(ParentToken("张女士", school, child));
        var registration = await (await api.GetAsync($"/api/activities/students/{child}/registrations")).ReadJson();
        var held = registration.GetProperty("items").EnumerateArray().Single();
        Assert.Equal("Confirmed", held.GetProperty("status").GetString());
        Assert.Equal(Subject("张女士"), held.GetProperty("consentGivenBy").GetString());

        await page.GotoAsync("/parent/");
        await Assertions.Expect(page.Locator($"[data-test=child][data-child='{child}'] h2")).ToHaveTextAsync("张小雨");
        await Assertions.Expect(page.Locator($"[data-test=child][data-child='{child}'] [data-test=registration][data-status=Confirmed]")).ToBeVisibleAsync();
        await console.ShotAsync(page, "p05-home-my-children");
        await page.GotoAsync("/parent/consents");
        await Assertions.Expect(page.Locator("[data-test=activity-consent]")).ToHaveCountAsync(1);
        await console.ShotAsync(page, "p06-consents");
    }

    [Fact]
    public async Task A_full_activity_waitlists_the_second_child_and_a_cancellation_promotes_it_which_shows_in_messages_as_does_the_activitys_cancellation()
    {
        var school = await SchoolAsync();
        var activity = await OpenActivityAsync(school, "名师课堂：亲子阅读", seats: 1);
        Guid first = Guid.NewGuid(), second = Guid.NewGuid();
        var page = await SignInAsync("李先生", school, first, second);
        await page.GotoAsync($"/parent/activities/{activity}");
        await RegisterAsync(page, first, "李大宝", "2015-03-02");
        await Assertions.Expect(page.Locator("[data-test=ok]")).ToContainTextAsync("报名成功");
        await RegisterAsync(page, second, "李二宝", "2017-09-12");
        await Assertions.Expect(page.Locator("[data-test=ok]")).ToContainTextAsync("候补");
        await Assertions.Expect(page.Locator($"[data-test=child-registration][data-child='{second}'] [data-test=reg-status]"))
            .ToHaveAttributeAsync("data-position", "1");
        await Assertions.Expect(page.Locator("[data-test=seats]")).ToHaveAttributeAsync("data-waitlist", "1");
        await console.ShotAsync(page, "p07-activity-waitlisted");

        // The list of activities says it too, child by child: one holds a seat, the other waits.
        await page.GotoAsync("/parent/activities");
        var card = page.Locator($"[data-test=activity][data-id='{activity}']");
        await Assertions.Expect(card.Locator($"[data-test=mine-status][data-child='{first}']")).ToHaveTextAsync("李大宝 已报名");
        await Assertions.Expect(card.Locator($"[data-test=mine-status][data-child='{second}']")).ToHaveTextAsync("李二宝 候补中");
        await console.ShotAsync(page, "p07b-activities-marked");
        await page.GotoAsync($"/parent/activities/{activity}");

        // The first child's seat is given up (the page asks to confirm): the second child takes it, and 消息 says so.
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await page.Locator($"[data-test=child-registration][data-child='{first}'] [data-test=cancel]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-test=ok]")).ToContainTextAsync("已取消");
        await Assertions.Expect(page.Locator($"[data-test=child-registration][data-child='{second}'] [data-test=reg-status]")).ToHaveTextAsync("已报名");

        var promoted = await MessagesOfKindAsync(page, "waitlist-promoted");
        await Assertions.Expect(promoted).ToContainTextAsync("名师课堂：亲子阅读");
        await Assertions.Expect(promoted).ToHaveAttributeAsync("data-read", "0");
        Assert.True(int.Parse((await page.Locator("[data-test=unread]").GetAttributeAsync("data-count"))!) >= 1);
        await console.ShotAsync(page, "p08-messages-promoted");
        await page.Locator("[data-test=mark-read]").ClickAsync();
        await Assertions.Expect(promoted).ToHaveAttributeAsync("data-read", "1");
        await Assertions.Expect(page.Locator("[data-test=unread]")).ToHaveAttributeAsync("data-count", "0");

        // Kept once per message id: the same message stored again (a redelivery) adds nothing.
        await using var data = Npgsql.NpgsqlDataSource.Create(console.ConsoleDatabase);
        var store = new Parent.ParentMessages(data);
        var audiences = new[] { $"child:{second}" };
        var kept = Assert.Single(await store.ListAsync(Subject("李先生"), audiences, 10));
        await store.AddAsync(kept.Id, $"child:{second}", kept.Kind, kept.Title, kept.Body, kept.Link, kept.At, default);
        Assert.Single(await store.ListAsync(Subject("李先生"), audiences, 10));

        // The school cancels the activity: the family of the child holding the seat is told, with the reason; the
        // first child, whose registration was given up, is not among those it concerns.
        using var admin = console.Api(Role.SchoolAdmin, Jinjiang, schoolId: school);
        var cancel = new HttpRequestMessage(HttpMethod.Post, $"/api/activities/{activity}/cancel")
        {
            Content = JsonContent.Create(new { reason = "讲师临时有事 / The speaker cannot come" }),
        };
        cancel.Headers.IfMatch.Add((await admin.GetAsync($"/api/activities/{activity}")).Headers.ETag!);
        Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(cancel)).StatusCode);
        var cancelled = await MessagesOfKindAsync(page, "activity-cancelled");
        await Assertions.Expect(cancelled).ToContainTextAsync("名师课堂：亲子阅读");
        await Assertions.Expect(cancelled).ToContainTextAsync("讲师临时有事");
        await Assertions.Expect(cancelled).ToHaveAttributeAsync("data-read", "0");
        await console.ShotAsync(page, "p08b-messages-activity-cancelled");
        Assert.Equal(["activity-cancelled", "waitlist-promoted"],
            (await store.ListAsync(Subject("李先生"), audiences, 10)).Select(m => m.Kind));
        Assert.DoesNotContain(await store.ListAsync(Subject("李先生"), [$"child:{first}"], 10), m => m.Kind == "activity-cancelled");
    }

    [Fact]
    public async Task A_parent_completes_a_course_and_opens_the_certificate()
    {
        var school = await SchoolAsync();
        var title = $"读懂孩子的情绪 {Guid.NewGuid().ToString()[..4]}";
        var course = await PublishedCourseAsync(title);
        var page = await SignInAsync("王女士", school, Guid.NewGuid());
        await page.GotoAsync("/parent/school?topic=MentalHealth");
        await page.Locator($"[data-test=course][data-course='{course}']").ClickAsync();
        await page.Locator("[data-test=enrol]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-test=ok]")).ToContainTextAsync("报名成功");
        await page.Locator("[data-test=lesson][data-done='0'] [data-test=complete-lesson]").First.ClickAsync();
        await Assertions.Expect(page.Locator("[data-test=ok]")).ToContainTextAsync("进度已保存：已学 1/2");
        await Assertions.Expect(page.Locator("[data-test=progress]")).ToHaveAttributeAsync("data-percent", "50");
        await console.ShotAsync(page, "p09-course-in-progress");
        // Progress is kept by the API: a fresh load shows it.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("[data-test=lesson][data-done='1']")).ToHaveCountAsync(1);
        await page.Locator("[data-test=lesson][data-done='0'] [data-test=complete-lesson]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-test=ok]")).ToContainTextAsync("结业证书");
        await page.Locator("[data-test=certificate-link]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-test=certificate]")).ToHaveAttributeAsync("data-valid", "1");
        var certificate = page.Url.Split('/').Last();
        await Assertions.Expect(page.Locator("[data-test=cert-course]")).ToContainTextAsync(title);
        await Assertions.Expect(page.Locator("[data-test=holder]")).ToHaveTextAsync("王女士");
        await console.ShotAsync(page, "p10-certificate");
        await page.GotoAsync("/parent/school");
        await console.ShotAsync(page, "p11-parent-school");

        // Anyone signed in verifies it through the API: the course and the date, nothing of the parent.
        using var teacher = console.Api(Role.Teacher, Jinjiang, schoolId: school);
        var verify = await teacher.GetAsync($"/api/parentschool/certificates/{certificate}");
        Assert.True(verify.IsSuccessStatusCode, $"verifying {certificate}: {verify.StatusCode} {await verify.Content.ReadAsStringAsync()}");
        var verified = await verify.ReadJson();
        Assert.True(verified.GetProperty("valid").GetBoolean());

        await page.GotoAsync("/parent/recommendations");
        await console.ShotAsync(page, "p12-recommendations");
        await page.GotoAsync("/parent/reports");
        await page.Locator("summary", new() { HasText = "上报新的隐患" }).ClickAsync();
        await page.SelectOptionAsync("#hk", "Traffic");
        await page.FillAsync("#hl", "学校东门路口");
        await page.FillAsync("#hd", "上学时段车辆不减速");
        await page.Locator("[data-test=hazard-form] button").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("ok=") || url.Contains("error="));
        await Assertions.Expect(page.Locator("[data-test=error]")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("[data-test=ok]")).ToContainTextAsync("隐患已上报");
        await Assertions.Expect(page.Locator("[data-test=hazard]")).ToHaveCountAsync(1);
        await console.ShotAsync(page, "p13-reports");
    }

    [Fact]
    public async Task A_parent_cannot_see_another_familys_child_the_page_shows_nothing_and_the_API_refuses()
    {
        var school = await SchoolAsync();
        var activity = await OpenActivityAsync(school, "体育：亲子运动会", seats: 10);
        Guid theirs = Guid.NewGuid(), mine = Guid.NewGuid();
        using (var other = console.Api(ParentToken("赵女士", school, theirs)))
        {
            var registered = await other.PostAsJsonAsync($"/api/activities/{activity}/registrations", new
            {
                studentId = theirs, displayName = "赵小红", birthDate = "2015-01-20", schoolId = school, guardianConsent = true,
            });
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        }
        var page = await SignInAsync("钱先生", school, mine);
        await Assertions.Expect(page.Locator("[data-test=child]")).ToHaveCountAsync(1);
        await page.GotoAsync($"/parent/children/{theirs}");
        await Assertions.Expect(page.Locator("[data-test=child-refused]")).ToBeVisibleAsync();
        Assert.DoesNotContain("赵小红", await page.ContentAsync());
        await console.ShotAsync(page, "p14-another-familys-child");
        await page.GotoAsync($"/parent/activities/{activity}");
        Assert.DoesNotContain("赵小红", await page.ContentAsync());
        Assert.DoesNotContain(theirs.ToString(), await page.ContentAsync());

        using var api = console.Api(ParentToken("钱先生", school, mine));
        var read = await api.GetAsync($"/api/activities/students/{theirs}/registrations");
        Assert.True(read.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"reading another family's child: {read.StatusCode}");
        var cancel = await api.PostAsJsonAsync($"/api/activities/{activity}/registrations/{theirs}/cancel", new { });
        Assert.True(cancel.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound or HttpStatusCode.PreconditionRequired,
            $"cancelling another family's registration: {cancel.StatusCode}");
        var register = await api.PostAsJsonAsync($"/api/activities/{activity}/registrations", new
        {
            studentId = theirs, displayName = "冒名", birthDate = "2015-01-20", schoolId = school, guardianConsent = true,
        });
        Assert.Equal(HttpStatusCode.Forbidden, register.StatusCode);
    }

    /// <summary>
    /// 家长会与家访: the school's meeting is on the parents' 家长学校 page; a home visit arranged for the child is a to-do
    /// on the family's page, and the child's page shows it and, once made, who was there and the teacher's notes.
    /// </summary>
    [Fact]
    public async Task A_parent_sees_the_schools_meeting_and_the_home_visits_arranged_for_their_child()
    {
        var school = await SchoolAsync();
        var child = Guid.NewGuid();
        var suffix = Guid.NewGuid().ToString()[..4];
        using var teacher = console.Api(Role.Teacher, Jinjiang, schoolId: school);
        var meeting = await Eventually.Until(() => teacher.Post("/api/parentschool/meetings", new
        {
            title = $"期末家长会 {suffix}", grade = 3, className = "2 班", location = "三楼会议室", startsAt = DateTimeOffset.UtcNow.AddDays(3),
        }), r => r.StatusCode == HttpStatusCode.Created, Patience);
        Assert.Equal(HttpStatusCode.Created, meeting.StatusCode);
        var coming = await teacher.Post("/api/parentschool/home-visits", new
        {
            studentId = child, purpose = $"寒假安全与作息 {suffix}", plannedAt = DateTimeOffset.UtcNow.AddDays(2),
        });
        Assert.Equal(HttpStatusCode.Created, coming.StatusCode);
        var made = await teacher.Post("/api/parentschool/home-visits", new
        {
            studentId = child, purpose = "了解学习习惯", plannedAt = DateTimeOffset.UtcNow.AddHours(-1),
        });
        Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        var record = new HttpRequestMessage(HttpMethod.Post, $"/api/parentschool/home-visits/{(await made.ReadJson()).GetProperty("id").GetGuid()}/record")
        {
            Content = JsonContent.Create(new { familyPresent = new[] { "母亲", "祖母" }, notes = "孩子每天阅读半小时，建议减少睡前看屏幕。" }),
        };
        record.Headers.IfMatch.Add(made.Headers.ETag!);
        Assert.Equal(HttpStatusCode.OK, (await teacher.SendAsync(record)).StatusCode);

        var page = await SignInAsync("孙女士", school, child);
        await Assertions.Expect(page.Locator("[data-test=todo]", new() { HasText = $"寒假安全与作息 {suffix}" })).ToContainTextAsync("老师约定");
        await page.GotoAsync($"/parent/children/{child}");
        await Assertions.Expect(page.Locator("[data-test=home-visit]")).ToHaveCountAsync(2);
        var done = page.Locator("[data-test=home-visit][data-status=Done]");
        await Assertions.Expect(done).ToContainTextAsync("在场：母亲、祖母");
        await Assertions.Expect(done).ToContainTextAsync("建议减少睡前看屏幕");
        await Assertions.Expect(page.Locator("[data-test=home-visit][data-status=Scheduled]")).ToContainTextAsync("待家访");
        await console.ShotAsync(page, "p16-home-visits");
        await page.GotoAsync("/parent/school");
        var shown = page.Locator("[data-test=meeting]", new() { HasText = $"期末家长会 {suffix}" });
        await Assertions.Expect(shown).ToContainTextAsync("3 年级 2 班");
        await Assertions.Expect(shown).ToContainTextAsync("待召开");
        await console.ShotAsync(page, "p17-parent-meetings");

        // Another family's parent reads neither visit.
        using var other = console.Api(ParentToken("周先生", school, Guid.NewGuid()));
        var theirs = await (await other.GetAsync($"/api/parentschool/home-visits?studentId={child}")).ReadJson();
        Assert.Empty(theirs.GetProperty("items").EnumerateArray());

        // The guardian erases the child's personal data: once it reaches ParentSchool, the visits keep their dates and
        // status, and what they said of the family reads as erased (the teacher's read shows it too).
        await page.GotoAsync("/parent/consents");
        await page.Locator("[data-test=erase] summary").ClickAsync();
        await page.CheckAsync("[data-test=erase-confirm]");
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await page.ClickAsync("[data-test=erase-submit]");
        await Assertions.Expect(page.Locator("[data-test=ok]")).ToContainTextAsync("已提交删除请求");
        await console.ShotAsync(page, "p18-erasure-asked");
        var erased = await Eventually.Until(async () => await (await teacher.GetAsync($"/api/parentschool/home-visits?studentId={child}")).ReadJson(),
            list => list.GetProperty("items").EnumerateArray().All(v => v.GetProperty("purpose").ValueKind == JsonValueKind.Null), Patience);
        Assert.Equal(2, erased.GetProperty("items").GetArrayLength());
        Assert.All(erased.GetProperty("items").EnumerateArray(), v => Assert.Empty(v.GetProperty("familyPresent").EnumerateArray()));
    }

    /// <summary>
    /// Figures, not assertions (docs/parent.md): each main page opened cold (a fresh browser session, nothing cached),
    /// on this machine's network and on an emulated slow phone network (400 kbit/s, 400 ms round trip).
    /// </summary>
    [Fact]
    public async Task A_parent_enrols_a_child_in_an_after_school_programme_for_the_term_and_withdraws()
    {
        var school = await SchoolAsync();
        var title = $"科学小实验 {Guid.NewGuid().ToString()[..6]}";
        using var teacher = console.Api(Role.Teacher, Jinjiang, schoolId: school);
        var created = await Eventually.Until(() => teacher.Post("/api/activities/programmes", new
        {
            term = Api.ProgrammeTerms.Of(DateTimeOffset.UtcNow), title, weekdays = new[] { "Tuesday", "Thursday" }, startTime = "15:40", endTime = "16:40",
            places = 20, providerKind = "SchoolStaff", providerName = "本校科学组", dimensions = new[] { "Intellectual" },
        }), r => r.StatusCode == HttpStatusCode.Created, Patience);
        var programme = (await created.ReadJson()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await teacher.Post($"/api/activities/programmes/{programme}/open", new { }, created.Headers.ETag!.Tag)).StatusCode);

        var child = Guid.NewGuid();
        var page = await SignInAsync("周女士", school, child);
        await page.GotoAsync("/parent/afterschool");
        var card = page.Locator($"[data-test=programme][data-id='{programme}']");
        await Assertions.Expect(card).ToContainTextAsync("周二、周四 15:40–16:40");
        await Assertions.Expect(card).ToContainTextAsync("余 20 个名额");
        var form = card.Locator($"[data-test=child-enrolment][data-child='{child}'] [data-test=enrol-form]");
        await form.Locator("[data-test=displayName]").FillAsync("周小舟");
        await form.Locator("[data-test=enrol]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-test=ok]")).ToContainTextAsync("报名成功");
        card = page.Locator($"[data-test=programme][data-id='{programme}']");
        await Assertions.Expect(card.Locator($"[data-test=child-enrolment][data-child='{child}'] [data-test=enrolment-status]")).ToHaveTextAsync("已报名 · 已上 0 次");
        await Assertions.Expect(card).ToContainTextAsync("余 19 个名额");
        await console.ShotAsync(page, "p07-afterschool-enrolled");

        var roster = await (await teacher.GetAsync($"/api/activities/programmes/{programme}/enrolments?status=Enrolled")).ReadJson();
        Assert.Equal("周小舟", roster.GetProperty("items").EnumerateArray().Single().GetProperty("displayName").GetString());

        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await card.Locator($"[data-test=child-enrolment][data-child='{child}'] [data-test=withdraw]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-test=ok]")).ToContainTextAsync("已退出");
        await Assertions.Expect(page.Locator($"[data-test=programme][data-id='{programme}'] [data-test=child-enrolment][data-child='{child}'] [data-test=enrol-form]")).ToBeVisibleAsync();
        var after = await (await teacher.GetAsync($"/api/activities/programmes/{programme}")).ReadJson();
        Assert.Equal(0, after.GetProperty("enrolled").GetInt32());
    }

    [Fact]
    public async Task Page_weight_and_time_to_first_render_of_the_main_pages_are_measured()
    {
        var school = await SchoolAsync();
        await OpenActivityAsync(school, "研学前导课", seats: 30);
        var child = Guid.NewGuid();
        var signedIn = await SignInAsync("孙女士", school, child);
        var cookies = await signedIn.Context.CookiesAsync();
        foreach (var slow in new[] { false, true })
        {
            foreach (var path in new[] { "/parent/", "/parent/activities", "/parent/school", "/parent/recommendations", "/parent/reports", "/parent/consents", "/parent/messages" })
            {
                var context = await console.Browser.NewContextAsync(new BrowserNewContextOptions
                {
                    BaseURL = console.Gateway.ToString(), Locale = "zh-CN", ViewportSize = new ViewportSize { Width = 390, Height = 844 },
                    IsMobile = true, HasTouch = true,
                });
                await context.AddCookiesAsync(cookies.Select(c => new Microsoft.Playwright.Cookie
                {
                    Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path, HttpOnly = c.HttpOnly, Secure = c.Secure, SameSite = c.SameSite,
                }));
                var page = await context.NewPageAsync();
                if (slow)
                {
                    var cdp = await context.NewCDPSessionAsync(page);
                    await cdp.SendAsync("Network.enable");
                    await cdp.SendAsync("Network.emulateNetworkConditions", new Dictionary<string, object>
                    {
                        ["offline"] = false, ["latency"] = 400, ["downloadThroughput"] = 400 * 1024 / 8, ["uploadThroughput"] = 400 * 1024 / 8,
                    });
                }
                var requests = 0;
                page.Request += (_, _) => requests++;
                var clock = Stopwatch.StartNew();
                var response = await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.Load });
                var load = clock.ElapsedMilliseconds;
                Assert.Equal(200, response!.Status);
                Assert.DoesNotContain("/signin", page.Url);
                var paint = await page.EvaluateAsync<double>(@"() => new Promise(done => {
                    const seen = performance.getEntriesByName('first-contentful-paint')[0];
                    if (seen) { done(seen.startTime); return; }
                    new PerformanceObserver(list => { const e = list.getEntriesByName('first-contentful-paint')[0]; if (e) done(e.startTime); })
                        .observe({ type: 'paint', buffered: true });
                    setTimeout(() => done(-1), 5000);
                })");
                var weight = await page.EvaluateAsync<double[]>(@"() => {
                    const n = performance.getEntriesByType('navigation')[0];
                    const r = performance.getEntriesByType('resource');
                    return [n.transferSize, n.decodedBodySize, r.reduce((s, x) => s + x.transferSize, 0), r.reduce((s, x) => s + x.decodedBodySize, 0)];
                }");
                output.WriteLine($"{(slow ? "slow 400kbit/s 400ms" : "local")} {path}: {requests} requests, "
                    + $"{(weight[0] + weight[2]) / 1024:0.0} KB transferred ({(weight[1] + weight[3]) / 1024:0.0} KB decoded; document {weight[1] / 1024:0.0} KB), "
                    + $"first contentful paint {paint:0} ms, load {load} ms");
                await context.CloseAsync();
            }
        }
    }

    // --- helpers ---

    /// <summary>The subject the development chooser gives a parent it signs in by name.</summary>
    private static string Subject(string name) => $"dev-parent-{name}";

    private static TokenRequest ParentToken(string name, Guid school, params Guid[] children) =>
        new(Role.Parent, Jinjiang, SchoolId: school, Subject: Subject(name), Name: name, Children: children);

    /// <summary>A phone (390×844, touch), in Chinese: 开发登录 as a parent through the chooser's form.</summary>
    private async Task<IPage> SignInAsync(string name, Guid school, params Guid[] children)
    {
        var context = await console.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = console.Gateway.ToString(),
            Locale = "zh-CN",
            ViewportSize = new ViewportSize { Width = 390, Height = 844 },
            DeviceScaleFactor = 2,
            IsMobile = true,
            HasTouch = true,
        });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/parent/");
        Assert.Contains("/parent/signin", page.Url);
        await page.Locator("summary", new() { HasText = "其他家长" }).ClickAsync();
        await page.FillAsync("#name", name);
        await page.FillAsync("#region", Jinjiang);
        await page.FillAsync("#school", school.ToString());
        await page.FillAsync("#children", string.Join(",", children));
        await page.ClickAsync("[data-test=dev-submit]");
        await page.WaitForURLAsync(url => !url.Contains("/signin"));
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("我的孩子");
        return page;
    }

    private static async Task RegisterAsync(IPage page, Guid child, string name, string birth)
    {
        var form = page.Locator($"[data-test=child-registration][data-child='{child}'] [data-test=register-form]");
        await form.Locator("[data-test=displayName]").FillAsync(name);
        await form.Locator("[data-test=birthDate]").FillAsync(birth);
        await form.Locator("[data-test=consent]").CheckAsync();
        await form.Locator("[data-test=register]").ClickAsync();
    }

    /// <summary>消息: reloads the page until a message of <paramref name="kind"/> has come (consumed from the broker), then exactly one.</summary>
    private static async Task<ILocator> MessagesOfKindAsync(IPage page, string kind)
    {
        var messages = page.Locator($"[data-test=message][data-kind={kind}]");
        await Eventually.Until(async () =>
        {
            await page.GotoAsync("/parent/messages");
            return await messages.CountAsync();
        }, n => n > 0, Patience);
        await Assertions.Expect(messages).ToHaveCountAsync(1);
        return messages;
    }

    private async Task<Guid> OpenActivityAsync(Guid school, string title, int seats)
    {
        using var admin = console.Api(Role.SchoolAdmin, Jinjiang, schoolId: school);
        var drafted = await Eventually.Until(() => admin.Post("/api/activities", new
        {
            kind = "CommunityClass", title, location = "学校报告厅", offCampus = false,
            startsAt = DateTimeOffset.UtcNow.AddDays(12), endsAt = DateTimeOffset.UtcNow.AddDays(12).AddHours(2),
            seats, minAge = 6, maxAge = 14,
        }), r => r.StatusCode == HttpStatusCode.Created, Patience);
        Assert.Equal(HttpStatusCode.Created, drafted.StatusCode);
        var id = (await drafted.ReadJson()).GetProperty("id").GetGuid();
        var opening = new HttpRequestMessage(HttpMethod.Post, $"/api/activities/{id}/open") { Content = JsonContent.Create(new { }) };
        opening.Headers.IfMatch.Add(drafted.Headers.ETag!);
        var opened = await admin.SendAsync(opening);
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        return id;
    }

    private async Task<Guid> PublishedCourseAsync(string title)
    {
        using var province = console.Api(Role.ProvinceAdmin, "51");
        var lessons = new[] { "情绪从哪里来", "如何回应孩子的情绪" }.Select(t => new
        {
            title = t, durationMinutes = 8, text = $"## {t}\n\n家长学习要点", videoLinks = Array.Empty<string>(),
        });
        var drafted = await province.Post("/api/parentschool/courses", new
        {
            title, topic = "MentalHealth", targetGrades = new[] { 1, 2, 3, 4, 5, 6 }, scope = "Province", regionCode = "51", lessons,
        });
        Assert.Equal(HttpStatusCode.Created, drafted.StatusCode);
        var id = (await drafted.ReadJson()).GetProperty("id").GetGuid();
        var publish = new HttpRequestMessage(HttpMethod.Post, $"/api/parentschool/courses/{id}/publish");
        publish.Headers.IfMatch.Add(drafted.Headers.ETag!);
        Assert.Equal(HttpStatusCode.OK, (await province.SendAsync(publish)).StatusCode);
        return id;
    }

    private async Task<Guid> SchoolAsync()
    {
        using var api = console.Api(Role.CountyAdmin, Jinjiang);
        var units = await (await api.GetAsync($"/api/alliances/units?county={Jinjiang}&kind=School&pageSize=1")).ReadJson();
        Guid school;
        if (units.GetProperty("items").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } existing)
        {
            school = existing.GetProperty("id").GetGuid();
        }
        else
        {
            var created = await api.Post("/api/alliances/units", new
            {
                kind = "School", name = "成都市锦江区试验小学", countyCode = Jinjiang, contactOfficer = "王老师", contactPhone = "028-00000000",
            });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            school = (await created.ReadJson()).GetProperty("id").GetGuid();
        }
        return school;
    }
}
