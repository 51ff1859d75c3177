using System.Net;
using System.Text.Json;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Xunit;

namespace JiaoLianTi.Wellbeing.Tests.Api;

/// <summary>
/// 卫健 sees the referrals to the hospitals and centres of its region, their status and steps, never their content;
/// 民政 sees care-category figures with the follow-ups past due, never a child. Everyone else's referrals stay hidden.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class DepartmentOfficerTests(WellbeingSystem system)
{
    private static string FreshCounty() => $"51{Random.Shared.Next(7000, 9999)}";

    private HttpClient OfficerOf(string region, Department department, string? subject = null) =>
        system.Client(new TokenRequest(Role.DepartmentOfficer, region, Subject: subject ?? $"dept-{Guid.NewGuid():N}", Department: department));

    private static async Task<(Guid Id, string ETag)> Refer(HttpClient admin, School school, Guid child, string reason)
    {
        var made = await admin.Post("/api/wellbeing/referrals", new { studentId = child, unitId = school.HospitalId, urgency = "Routine", reason });
        Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        return ((await made.ReadJson()).GetProperty("referralId").GetGuid(), made.ETag());
    }

    [Fact]
    public async Task A_health_officer_lists_the_referrals_to_the_regions_hospitals_reads_none_and_changes_none()
    {
        var school = await system.SchoolAsync(FreshCounty());
        var other = await system.SchoolAsync(FreshCounty());
        using var admin = system.Admin(school);
        using var otherAdmin = system.Admin(other);
        var (child, _) = await admin.RecordChild(school, "赵小川");
        var (otherChild, _) = await otherAdmin.RecordChild(other, "钱小江");
        var (referral, etag) = await Refer(admin, school, child, "夜间惊醒，情绪低落");
        var (elsewhere, _) = await Refer(otherAdmin, other, otherChild, "视力下降");

        var healthSubject = $"dept-health-{Guid.NewGuid():N}";
        using var health = OfficerOf(school.County, Department.Health, healthSubject);
        var response = await health.GetAsync("/api/wellbeing/referrals?pageSize=500");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var raw = await response.Content.ReadAsStringAsync();
        var listed = JsonDocument.Parse(raw).RootElement.Items();
        Assert.Equal([referral], listed.Select(r => r.GetProperty("referralId").GetGuid()));
        Assert.Equal(school.HospitalId, listed[0].GetProperty("unitId").GetGuid());
        Assert.DoesNotContain("夜间惊醒", raw);
        Assert.DoesNotContain("赵小川", raw);

        // Its content is need-to-know (403); another county's referral does not exist for them (404).
        Assert.Equal(HttpStatusCode.Forbidden, (await health.GetAsync($"/api/wellbeing/referrals/{referral}?purpose=Referral")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await health.GetAsync($"/api/wellbeing/referrals/{elsewhere}?purpose=Referral")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await health.GetAsync($"/api/wellbeing/referrals/{referral}/contact?purpose=Referral")).StatusCode);
        // Read-only: nothing changes.
        Assert.Equal(HttpStatusCode.Forbidden, (await health.Post($"/api/wellbeing/referrals/{referral}/accept", new { }, etag)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await health.Post($"/api/wellbeing/referrals/{elsewhere}/accept", new { }, etag)).StatusCode);
        var unchanged = await admin.GetAsync($"/api/wellbeing/referrals/{referral}?purpose=Referral");
        Assert.Equal(etag, unchanged.ETag());

        // The province's health officer sees both counties' referrals.
        using var province = OfficerOf("51", Department.Health);
        var all = (await (await province.GetAsync("/api/wellbeing/referrals?pageSize=500")).ReadJson()).Items()
            .Select(r => r.GetProperty("referralId").GetGuid()).ToList();
        Assert.Contains(referral, all);
        Assert.Contains(elsewhere, all);

        // Another department of the same county: no referral is theirs, and none exists for them.
        var policeSubject = $"dept-police-{Guid.NewGuid():N}";
        using var police = OfficerOf(school.County, Department.PublicSecurity, policeSubject);
        Assert.Empty((await (await police.GetAsync("/api/wellbeing/referrals")).ReadJson()).Items());
        Assert.Equal(HttpStatusCode.NotFound, (await police.GetAsync($"/api/wellbeing/referrals/{referral}?purpose=Referral")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await police.Post($"/api/wellbeing/referrals/{referral}/accept", new { }, etag)).StatusCode);

        // Every refused read of the referral is on record as an attempt, as anyone else's: the health officer's two
        // (the referral, its contact: 403) and the police officer's (404). Nothing was read.
        var attempts = (await (await admin.GetAsync($"/api/wellbeing/access-log?studentId={child}&reader={healthSubject}&refused=true")).ReadJson()).Items();
        Assert.Equal(["Referral", "ReferralContact"], attempts.Select(a => a.Str("resource")).Order());
        Assert.All(attempts, a => Assert.Equal("DepartmentOfficer", a.Str("readerRole")));
        Assert.Equal("Referral", Assert.Single((await (await admin.GetAsync(
            $"/api/wellbeing/access-log?studentId={child}&reader={policeSubject}&refused=true")).ReadJson()).Items()).Str("resource"));
        Assert.Empty((await (await admin.GetAsync($"/api/wellbeing/access-log?studentId={child}&reader={healthSubject}&refused=false")).ReadJson()).Items());
    }

    [Fact]
    public async Task Civil_affairs_sees_care_figures_with_the_follow_ups_past_due_and_no_child()
    {
        var school = await system.SchoolAsync(FreshCounty());
        using var admin = system.Admin(school);
        for (var i = 0; i < 5; i++)
        {
            var (id, etag) = await admin.RecordChild(school, $"民政{i}号");
            Assert.Equal(HttpStatusCode.OK, (await admin.Post($"/api/wellbeing/children/{id}/care-categories",
                new { category = "LeftBehindChild", source = "CivilAffairs" }, etag)).StatusCode);
        }
        using var civilAffairs = OfficerOf(school.County, Department.CivilAffairs);
        var raw = await (await civilAffairs.GetAsync("/api/wellbeing/figures/care-categories")).Content.ReadAsStringAsync();
        var row = Assert.Single(JsonDocument.Parse(raw).RootElement.GetProperty("schools").EnumerateArray(),
            r => r.GetProperty("schoolId").GetGuid() == school.Id);
        Assert.Equal("5", row.Str("count"));
        Assert.Equal("0", row.Str("overdueFollowUps")); // just assigned: the first follow-up is 30 days away
        Assert.DoesNotContain("民政", raw);
        Assert.DoesNotContain("studentId", raw);
        using var outside = OfficerOf(FreshCounty(), Department.CivilAffairs);
        var theirs = await (await outside.GetAsync("/api/wellbeing/figures/care-categories")).ReadJson();
        Assert.DoesNotContain(theirs.GetProperty("schools").EnumerateArray(), r => r.GetProperty("schoolId").GetGuid() == school.Id);
    }
}
