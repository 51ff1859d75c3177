using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Xunit;

namespace JiaoLianTi.EndToEnd.Tests;

/// <summary>
/// The flows that cross services, each driven only through the gateway's public API of every service involved, with
/// the integration events travelling over the real broker: nothing is published by hand here.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class CrossServiceTests(EndToEndSystem system)
{
    private const string Longquanyi = "510112"; // 成都市龙泉驿区
    private const string Xindu = "510114";      // 成都市新都区
    private const string Wenjiang = "510115";   // 成都市温江区
    private const string Shuangliu = "510116";  // 成都市双流区
    private const string Pidu = "510117";       // 成都市郫都区
    private const string Jintang = "510121";    // 成都市金堂县
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_resource_published_in_Alliances_bounds_the_seats_in_Activities_and_its_withdrawal_cancels_them()
    {
        var world = await AllianceWith(Longquanyi, "Museum");
        var museum = world.Units["Museum"];
        using var officer = system.Client(Role.MemberOfficer, Longquanyi, memberUnitId: museum);
        var published = await officer.Post($"/api/alliances/{world.AllianceId}/resources", new
        {
            unitId = museum, kind = "Venue", title = "龙泉驿博物馆研学 museum visits", topics = new[] { "VenueSchool" },
            capacity = 40, schedule = "周三下午 Wednesday afternoons",
        });
        Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        var resourceId = (await published.ReadJson()).GetProperty("id").GetGuid();

        using var school = system.Client(Role.SchoolAdmin, Longquanyi, schoolId: world.SchoolId);
        object Draft(int seats) => new
        {
            kind = "CommunityClass", title = "博物馆社区实践课堂", location = "龙泉驿博物馆", offCampus = false,
            startsAt = DateTimeOffset.UtcNow.AddDays(10), endsAt = DateTimeOffset.UtcNow.AddDays(10).AddHours(3),
            seats, minAge = 8, maxAge = 15, resourceId,
        };
        // Activities learns the school and the resource from the broker; until then it cannot draft against them.
        var drafted = await Eventually.Until(() => school.Post("/api/activities", Draft(40)),
            r => r.StatusCode == HttpStatusCode.Created, Patience);
        Assert.Equal(HttpStatusCode.Created, drafted.StatusCode);
        var activityId = (await drafted.ReadJson()).GetProperty("id").GetGuid();

        var tooMany = await school.Post("/api/activities", Draft(41));
        Assert.Equal(HttpStatusCode.Conflict, tooMany.StatusCode);
        Assert.Equal("seats-over-capacity", (await tooMany.ReadJson()).GetProperty("code").GetString());

        var resource = await officer.GetAsync($"/api/alliances/resources/{resourceId}");
        var withdrawn = await Send(officer, HttpMethod.Post, $"/api/alliances/resources/{resourceId}/withdraw",
            new { reason = "场馆闭馆维修 closed for repairs" }, resource.Headers.ETag);
        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);

        var cancelled = await Eventually.Until(
            async () => await (await school.GetAsync($"/api/activities/{activityId}")).ReadJson(),
            a => a.GetProperty("status").GetString() == "Cancelled", Patience);
        Assert.Equal("Cancelled", cancelled.GetProperty("status").GetString());
        Assert.Contains("closed for repairs", cancelled.GetProperty("cancelReason").GetString());
    }

    [Fact]
    public async Task A_traffic_hazard_reaches_the_traffic_police_of_the_school_alliance_and_no_other_unit()
    {
        var world = await AllianceWith(Xindu, "TrafficPolice", "MarketRegulator");
        var trafficPolice = world.Units["TrafficPolice"];
        using var teacher = system.Client(Role.Teacher, Xindu, schoolId: world.SchoolId);

        // CampusSafety knows who serves the school once Alliances' membership events have arrived.
        await Eventually.Until(
            async () => await (await teacher.GetAsync($"/api/campussafety/schools/{world.SchoolId}/units")).Content.ReadAsStringAsync(),
            body => body.Contains(trafficPolice.ToString()), Patience);

        var filed = await teacher.Post("/api/campussafety/reports", new
        {
            schoolId = world.SchoolId, kind = "Traffic", description = "放学时段校门外车辆违停 cars parked at the gate",
            location = "东门 east gate",
        });
        Assert.Equal(HttpStatusCode.Created, filed.StatusCode);
        var report = await filed.ReadJson();
        Assert.Equal("Assigned", report.GetProperty("status").GetString());
        Assert.Equal(trafficPolice, report.GetProperty("unitId").GetGuid());
        var reportId = report.GetProperty("id").GetGuid();

        using var officer = system.Client(Role.MemberOfficer, Xindu, memberUnitId: trafficPolice);
        var assigned = await (await officer.GetAsync("/api/campussafety/reports?status=Assigned&pageSize=500")).ReadJson();
        Assert.Contains(assigned.GetProperty("items").EnumerateArray(), r => r.GetProperty("id").GetGuid() == reportId);

        using var regulator = system.Client(Role.MemberOfficer, Xindu, memberUnitId: world.Units["MarketRegulator"]);
        var theirs = await (await regulator.GetAsync("/api/campussafety/reports?pageSize=500")).ReadJson();
        Assert.DoesNotContain(theirs.GetProperty("items").EnumerateArray(), r => r.GetProperty("id").GetGuid() == reportId);

        var current = await officer.GetAsync($"/api/campussafety/reports/{reportId}");
        var resolved = await Send(officer, HttpMethod.Post, $"/api/campussafety/reports/{reportId}/resolve",
            new { note = "已设置临时停车区 a drop-off zone is marked" }, current.Headers.ETag);
        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        Assert.Equal("Resolved", (await resolved.ReadJson()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_off_campus_activity_opens_only_when_the_county_approves_its_safety_plan_in_CampusSafety()
    {
        var world = await AllianceWith(Wenjiang);
        using var school = system.Client(Role.SchoolAdmin, Wenjiang, schoolId: world.SchoolId);
        var drafted = await Eventually.Until(() => school.Post("/api/activities", new
        {
            kind = "StudyTrip", title = "温江农业研学 a farm study trip", location = "温江区花木基地", offCampus = true,
            startsAt = DateTimeOffset.UtcNow.AddDays(14), endsAt = DateTimeOffset.UtcNow.AddDays(14).AddHours(6),
            seats = 60, minAge = 9, maxAge = 13,
        }), r => r.StatusCode == HttpStatusCode.Created, Patience);
        Assert.Equal(HttpStatusCode.Created, drafted.StatusCode);
        var activityId = (await drafted.ReadJson()).GetProperty("id").GetGuid();

        var opening = await Send(school, HttpMethod.Post, $"/api/activities/{activityId}/open",
            new { arrangements = "大巴 2 辆，带队教师 6 名，意外险 two coaches, six teachers, insurance" }, drafted.Headers.ETag);
        Assert.Equal(HttpStatusCode.OK, opening.StatusCode);
        Assert.Equal("AwaitingSafetyPlan", (await opening.ReadJson()).GetProperty("status").GetString());

        using var county = system.Client(Role.CountyAdmin, Wenjiang);
        var plans = await Eventually.Until(
            async () => await (await county.GetAsync($"/api/campussafety/safety-plans?activityId={activityId}")).ReadJson(),
            page => page.GetProperty("total").GetInt32() == 1, Patience);
        var plan = plans.GetProperty("items")[0];
        Assert.Equal("Submitted", plan.GetProperty("status").GetString());
        var planId = plan.GetProperty("id").GetGuid();

        var read = await county.GetAsync($"/api/campussafety/safety-plans/{planId}");
        var approved = await Send(county, HttpMethod.Post, $"/api/campussafety/safety-plans/{planId}/approve",
            new { notes = "同意 approved" }, read.Headers.ETag);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);

        var open = await Eventually.Until(
            async () => await (await school.GetAsync($"/api/activities/{activityId}")).ReadJson(),
            a => a.GetProperty("status").GetString() == "Open", Patience);
        Assert.Equal("Open", open.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_bullying_case_brings_support_in_Wellbeing_and_recommendations_to_the_school_parents_without_any_name()
    {
        var world = await AllianceWith(Shuangliu);
        var target = Guid.NewGuid();
        using var teacher = system.Client(Role.Teacher, Shuangliu, schoolId: world.SchoolId);
        using var schoolAdmin = system.Client(Role.SchoolAdmin, Shuangliu, schoolId: world.SchoolId);
        // No plan without a record and consent (issue 12): the school has recorded the child in Wellbeing with consent.
        var recorded = await schoolAdmin.Post("/api/wellbeing/children", new
        {
            studentId = target, schoolId = world.SchoolId, name = "测试学生", dateOfBirth = "2015-03-01", className = "五年级二班",
            guardians = new[] { new { name = "测试家长", relation = "母亲" } }, consent = "Given", consentGivenBy = "测试家长",
        });
        Assert.Equal(HttpStatusCode.Created, recorded.StatusCode);
        // CampusSafety refuses reports for a school it has not yet learnt of from Alliances (403, nothing appended).
        var reported = await Eventually.Until(() => teacher.Post("/api/campussafety/bullying-cases", new
        {
            schoolId = world.SchoolId, grade = 5, summary = "课间多次推搡 pushed around at break", anonymous = false,
            parties = new[] { new { studentId = target, role = "Target" }, new { studentId = Guid.NewGuid(), role = "Initiator" } },
        }), r => r.StatusCode == HttpStatusCode.Created, Patience);
        Assert.Equal(HttpStatusCode.Created, reported.StatusCode);

        var plans = await Eventually.Until(
            async () => await (await schoolAdmin.GetAsync($"/api/wellbeing/plans?studentId={target}")).ReadJson(),
            page => page.ValueKind == JsonValueKind.Object && page.GetProperty("total").GetInt32() == 1, Patience);
        var proposal = plans.GetProperty("items")[0];
        Assert.Equal("Proposed", proposal.GetProperty("status").GetString());
        Assert.Equal(world.SchoolId, proposal.GetProperty("schoolId").GetGuid());

        using var parent = system.Client(new TokenRequest(Role.Parent, Shuangliu, SchoolId: world.SchoolId,
            Subject: $"parent-{Guid.NewGuid():N}", Children: [Guid.NewGuid()]));
        var recommended = await Eventually.Until(
            async () => await (await parent.GetAsync("/api/parentschool/my/recommendations")).Content.ReadAsStringAsync(),
            body => body.Contains("BullyingPrevention"), Patience);
        Assert.Contains("BullyingPrevention", recommended);
        Assert.DoesNotContain(target.ToString(), recommended);
        Assert.DoesNotContain("推搡", recommended);
    }

    [Fact]
    public async Task A_referral_goes_only_to_a_medical_member_of_the_school_alliance_and_the_hospital_accepts_it()
    {
        var world = await AllianceWith(Pidu, "Hospital", "Library");
        using var schoolAdmin = system.Client(Role.SchoolAdmin, Pidu, schoolId: world.SchoolId);
        var recorded = await schoolAdmin.Post("/api/wellbeing/children", new
        {
            schoolId = world.SchoolId, name = "测试学生", dateOfBirth = "2015-03-01", className = "五年级二班",
            guardians = new[] { new { name = "测试家长", relation = "母亲" } }, consent = "Given", consentGivenBy = "测试家长",
        });
        Assert.Equal(HttpStatusCode.Created, recorded.StatusCode);
        var studentId = (await recorded.ReadJson()).GetProperty("studentId").GetGuid();

        object Referral(Guid unitId) => new { studentId, unitId, urgency = "Priority", reason = "持续情绪低落 low mood" };
        var made = await Eventually.Until(() => schoolAdmin.Post("/api/wellbeing/referrals", Referral(world.Units["Hospital"])),
            r => r.StatusCode == HttpStatusCode.Created, Patience);
        Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        var referralId = (await made.ReadJson()).GetProperty("referralId").GetGuid();

        var toLibrary = await schoolAdmin.Post("/api/wellbeing/referrals", Referral(world.Units["Library"]));
        Assert.Equal(HttpStatusCode.Conflict, toLibrary.StatusCode);
        Assert.Equal("unit-not-medical-member", (await toLibrary.ReadJson()).GetProperty("code").GetString());

        using var hospital = system.Client(Role.MemberOfficer, Pidu, memberUnitId: world.Units["Hospital"]);
        var current = await hospital.GetAsync($"/api/wellbeing/referrals/{referralId}?purpose=Referral");
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
        var accepted = await Send(hospital, HttpMethod.Post, $"/api/wellbeing/referrals/{referralId}/accept", new { }, current.Headers.ETag);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("Accepted", (await accepted.ReadJson()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task After_a_childs_erasure_no_service_can_show_the_childs_data_while_counts_and_audit_entries_remain()
    {
        var world = await AllianceWith(Jintang);
        var marker = Guid.NewGuid().ToString("N")[..8];
        using var schoolAdmin = system.Client(new TokenRequest(Role.SchoolAdmin, Jintang, world.SchoolId, Subject: $"admin-{Guid.NewGuid():N}"));
        using var teacher = system.Client(new TokenRequest(Role.Teacher, Jintang, world.SchoolId, Subject: $"teacher-{Guid.NewGuid():N}"));

        // Wellbeing: the child's care record (the child's id is the one every service knows).
        var recorded = await Eventually.Until(() => schoolAdmin.Post("/api/wellbeing/children", new
        {
            schoolId = world.SchoolId, name = $"欧阳{marker}", dateOfBirth = "2014-05-01", className = "五年级三班",
            guardians = new[] { new { name = $"监护人{marker}", relation = "母亲" } }, consent = "Given", consentGivenBy = "监护人",
        }), r => r.StatusCode == HttpStatusCode.Created, Patience);
        Assert.Equal(HttpStatusCode.Created, recorded.StatusCode);
        var child = (await recorded.ReadJson()).GetProperty("studentId").GetGuid();
        using var parent = system.Client(new TokenRequest(Role.Parent, Jintang, SchoolId: world.SchoolId,
            Subject: $"parent-{Guid.NewGuid():N}", Children: [child]));

        // Activities: the parent registers the child for a lecture.
        var drafted = await Eventually.Until(() => schoolAdmin.Post("/api/activities", new
        {
            kind = "Lecture", title = "院士讲座", location = "报告厅", offCampus = false, startsAt = DateTimeOffset.UtcNow.AddDays(20),
            endsAt = DateTimeOffset.UtcNow.AddDays(20).AddHours(2), seats = 30, minAge = 6, maxAge = 18,
        }), r => r.StatusCode == HttpStatusCode.Created, Patience);
        var activity = (await drafted.ReadJson()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK,
            (await Send(schoolAdmin, HttpMethod.Post, $"/api/activities/{activity}/open", new { }, drafted.Headers.ETag)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await parent.Post($"/api/activities/{activity}/registrations", new
        {
            studentId = child, displayName = $"欧阳{marker}", birthDate = "2014-05-01", schoolId = world.SchoolId,
            className = "五年级三班", guardianConsent = true,
        })).StatusCode);

        // ParentSchool: a home visit to the child's family.
        var visit = await teacher.Post("/api/parentschool/home-visits", new
        {
            studentId = child, purpose = $"了解欧阳{marker}近况", plannedAt = DateTimeOffset.UtcNow.AddHours(-1),
        });
        Assert.Equal(HttpStatusCode.Created, visit.StatusCode);
        var visitId = (await visit.ReadJson()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await Send(teacher, HttpMethod.Post, $"/api/parentschool/home-visits/{visitId}/record",
            new { familyPresent = new[] { $"监护人{marker}" }, notes = $"欧阳{marker}在家表现良好" }, visit.Headers.ETag)).StatusCode);

        // CampusSafety: a bullying case the child is a party to.
        var reported = await Eventually.Until(() => teacher.Post("/api/campussafety/bullying-cases", new
        {
            schoolId = world.SchoolId, grade = 5, summary = $"欧阳{marker}被推搡", anonymous = false,
            parties = new[] { new { studentId = child, role = "Target" } },
        }), r => r.StatusCode == HttpStatusCode.Created, Patience);
        Assert.Equal(HttpStatusCode.Created, reported.StatusCode);
        var caseId = (await reported.ReadJson()).GetProperty("id").GetGuid();

        // What each service shows of the child: the care record, the registration (the parent's and the roster), the
        // visit (the teacher's and the parent's list), the case.
        async Task<string[]> Everything()
        {
            var bodies = new[]
            {
                await schoolAdmin.GetAsync($"/api/wellbeing/children/{child}?purpose=Care"),
                await parent.GetAsync($"/api/activities/{activity}/registrations/{child}"),
                await schoolAdmin.GetAsync($"/api/activities/{activity}/registrations"),
                await teacher.GetAsync($"/api/parentschool/home-visits/{visitId}"),
                await parent.GetAsync("/api/parentschool/home-visits"),
                await schoolAdmin.GetAsync($"/api/campussafety/bullying-cases/{caseId}?reason=erasure-check"),
            };
            Assert.All(bodies, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
            return await Task.WhenAll(bodies.Select(r => r.Content.ReadAsStringAsync()));
        }
        var before = await Everything();
        Assert.All(before, body => Assert.Contains(marker, body));
        Assert.Contains($"欧阳{marker}被推搡", before[5]);
        Assert.Contains($"{marker}在家表现良好", before[3]);

        // Another parent may not ask; the child's guardian may.
        using var stranger = system.Client(new TokenRequest(Role.Parent, Jintang, Subject: $"other-{Guid.NewGuid():N}", Children: [Guid.NewGuid()]));
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.Post("/api/wellbeing/erasure-requests", new { studentId = child })).StatusCode);
        var asked = await parent.Post("/api/wellbeing/erasure-requests", new { studentId = child });
        Assert.Equal(HttpStatusCode.Accepted, asked.StatusCode);

        var after = await Eventually.Until(Everything, bodies => bodies.All(body => !body.Contains(marker)), Patience);
        Assert.All(after, body => Assert.DoesNotContain(marker, body));

        // What stays: the record (marked erased), the registration and its seat, the visit, the case, and every read.
        var record = await (await schoolAdmin.GetAsync($"/api/wellbeing/children/{child}?purpose=Care")).ReadJson();
        Assert.True(record.GetProperty("erased").GetBoolean());
        var roster = await (await schoolAdmin.GetAsync($"/api/activities/{activity}/registrations")).ReadJson();
        Assert.Equal(1, roster.GetProperty("total").GetInt32());
        Assert.Equal(child, roster.GetProperty("items")[0].GetProperty("studentId").GetGuid());
        var details = await (await schoolAdmin.GetAsync($"/api/activities/{activity}")).ReadJson();
        Assert.Equal(29, details.GetProperty("seatsLeft").GetInt32());
        Assert.Equal("Done", (await (await teacher.GetAsync($"/api/parentschool/home-visits/{visitId}")).ReadJson()).GetProperty("status").GetString());
        var reads = await (await schoolAdmin.GetAsync($"/api/campussafety/bullying-cases/{caseId}/reads?reason=erasure-check")).ReadJson();
        Assert.True(reads.GetProperty("total").GetInt32() >= 2);
        var accessLog = await (await schoolAdmin.GetAsync($"/api/wellbeing/access-log?studentId={child}")).ReadJson();
        Assert.True(accessLog.GetProperty("total").GetInt32() >= 2);
    }

    /// <summary>A school and units of the given kinds, registered in Alliances and joined to a new regional alliance.</summary>
    private async Task<World> AllianceWith(string county, params string[] kinds)
    {
        using var admin = system.Client(Role.CountyAdmin, county);
        var tag = Guid.NewGuid().ToString("N")[..6];
        var registered = await admin.Post("/api/alliances/units/batch", new
        {
            units = kinds.Prepend("School").Select(kind => new
            {
                kind, name = $"{kind} {tag}", countyCode = county, contactOfficer = "联络员 contact", contactPhone = "028-80000000",
            }).ToArray(),
        });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var units = (await registered.ReadJson()).EnumerateArray()
            .ToDictionary(u => u.GetProperty("kind").GetString()!, u => u.GetProperty("id").GetGuid());

        var established = await admin.Post("/api/alliances", new
        {
            name = $"教联体 alliance {tag}", kind = "Regional", countyCode = county, leadUnit = "区教育局 county bureau",
        });
        Assert.Equal(HttpStatusCode.Created, established.StatusCode);
        var allianceId = (await established.ReadJson()).GetProperty("id").GetGuid();
        var joined = await Send(admin, HttpMethod.Post, $"/api/alliances/{allianceId}/members/batch",
            new { members = units.Values.Select(unitId => new { unitId, role = "Member" }).ToArray() }, established.Headers.ETag);
        Assert.Equal(HttpStatusCode.OK, joined.StatusCode);
        return new World(allianceId, units["School"], units);
    }

    private static async Task<HttpResponseMessage> Send(
        HttpClient client, HttpMethod method, string path, object body, EntityTagHeaderValue? ifMatch)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(ifMatch);
        }
        return await client.SendAsync(request);
    }

    private sealed record World(Guid AllianceId, Guid SchoolId, IReadOnlyDictionary<string, Guid> Units);
}
