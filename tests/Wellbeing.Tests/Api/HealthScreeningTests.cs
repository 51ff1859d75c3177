using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using JiaoLianTi.Wellbeing.HealthScreening;
using Marten;
using Xunit;

namespace JiaoLianTi.Wellbeing.Tests.Api;

internal static class HealthHttp
{
    public static HttpClient Officer(this WellbeingSystem system, School school, Guid? unit = null) =>
        system.Client(new TokenRequest(Role.MemberOfficer, school.County, MemberUnitId: unit ?? school.HospitalId, Subject: $"officer-{Guid.NewGuid():N}"));

    public static async Task<(Guid Id, string ETag)> OpenRound(this HttpClient officer, School school, int expected = 300, string[]? checks = null)
    {
        var response = await officer.Post("/api/wellbeing/health-screenings", new
        {
            schoolId = school.Id, checks = checks ?? ["Vision", "Spine"], startsOn = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-3), expected,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return ((await response.ReadJson()).GetProperty("roundId").GetGuid(), response.ETag());
    }

    public static object Result(Guid student, decimal right, decimal? rightSphere, decimal left, decimal? leftSphere, decimal? trunk, int grade = 4) => new
    {
        studentId = student, grade, screenedOn = DateOnly.FromDateTime(DateTime.UtcNow),
        vision = new { right = new { acuity = right, sphere = rightSphere }, left = new { acuity = left, sphere = leftSphere } },
        spine = trunk is null ? null : new { trunkRotation = trunk },
    };

    public static HttpContent Csv(string text) => new StringContent(text, Encoding.UTF8, "text/csv");

    public static async Task<HttpResponseMessage> Import(this HttpClient officer, Guid round, string csv, string? ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/wellbeing/health-screenings/{round}/results/import") { Content = Csv(csv) };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return await officer.SendAsync(request);
    }
}

[Collection(SystemCollection.Name)]
public sealed class OpenHealthRoundApiTests(WellbeingSystem system)
{
    [Fact]
    public async Task Only_a_hospital_of_the_schools_alliance_opens_a_round_and_a_refusal_appends_nothing()
    {
        var school = await system.SchoolAsync();
        using var outside = system.Officer(school, school.OutsideHospitalId);
        using var community = system.Officer(school, school.CommunityId);
        foreach (var officer in new[] { outside, community })
        {
            var refused = await officer.Post("/api/wellbeing/health-screenings", new { schoolId = school.Id, checks = new[] { "Vision" }, startsOn = DateOnly.FromDateTime(DateTime.UtcNow), expected = 100 });
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Equal("unit-not-hospital-member", (await refused.ReadJson()).Str("code"));
        }
        using var admin = system.Admin(school);
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.Post("/api/wellbeing/health-screenings",
            new { schoolId = school.Id, checks = new[] { "Vision" }, startsOn = DateOnly.FromDateTime(DateTime.UtcNow), expected = 100 })).StatusCode);
        using var hospital = system.Officer(school);
        var invalid = await hospital.Post("/api/wellbeing/health-screenings", new { schoolId = school.Id, checks = Array.Empty<string>(), expected = 0 });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var errors = (await invalid.ReadJson()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("checks", out _) && errors.TryGetProperty("expected", out _) && errors.TryGetProperty("startsOn", out _), errors.ToString());
        Assert.Equal(HttpStatusCode.BadRequest, (await hospital.PostRaw("/api/wellbeing/health-screenings",
            $"{{\"schoolId\":\"{school.Id}\",\"checks\":[\"Hearing\"],\"startsOn\":\"2026-11-01\",\"expected\":5}}")).StatusCode);
        await using (var q = system.Store.QuerySession())
        {
            Assert.Equal(0, await q.Query<HealthRound>().CountAsync(r => r.SchoolId == school.Id));
        }

        var (round, etag) = await hospital.OpenRound(school);
        Assert.Equal("\"1\"", etag);
        var read = await hospital.GetAsync($"/api/wellbeing/health-screenings/{round}");
        Assert.Equal(("Open", 300), ((await read.ReadJson()).Str("status"), (await read.ReadJson()).GetProperty("expected").GetInt32()));
        // Region scoping: the school's admin and the county see the round; another county's admin does not learn it exists.
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/wellbeing/health-screenings/{round}")).StatusCode);
        using var county = system.Client(Role.CountyAdmin, school.County);
        Assert.Contains((await (await county.GetAsync($"/api/wellbeing/health-screenings?schoolId={school.Id}")).ReadJson()).Items(), r => r.GetProperty("roundId").GetGuid() == round);
        using var otherCounty = system.Client(Role.CountyAdmin, "510105");
        Assert.Equal(HttpStatusCode.NotFound, (await otherCounty.GetAsync($"/api/wellbeing/health-screenings/{round}")).StatusCode);
        Assert.Empty((await (await otherCounty.GetAsync($"/api/wellbeing/health-screenings?schoolId={school.Id}")).ReadJson()).Items());
    }
}

[Collection(SystemCollection.Name)]
public sealed class RecordHealthResultApiTests(WellbeingSystem system)
{
    [Fact]
    public async Task A_result_past_the_threshold_is_referred_to_the_hospital_and_reaches_the_childs_own_parents_with_what_to_do_next()
    {
        await using var probe = await BrokerProbe.BindAsync(system, typeof(JiaoLianTi.Wellbeing.Contracts.ReferralMade),
            typeof(JiaoLianTi.Wellbeing.Contracts.HealthScreeningResultReady));
        var school = await system.SchoolAsync();
        using var admin = system.Admin(school);
        var (myopic, _) = await admin.RecordChild(school);
        var (healthy, _) = await admin.RecordChild(school, "李小红");
        using var hospital = system.Officer(school);
        var (round, _) = await hospital.OpenRound(school);

        var referred = await hospital.Post($"/api/wellbeing/health-screenings/{round}/results", HealthHttp.Result(myopic, 4.6m, -1.5m, 4.8m, -1.0m, 2m));
        Assert.Equal(HttpStatusCode.Created, referred.StatusCode);
        var summary = await referred.ReadJson();
        Assert.Equal(("MyopiaSuspected", "Normal"), (summary.Str("vision"), summary.Str("spine")));
        var referralId = summary.GetProperty("referralId").GetGuid();
        var normal = await (await hospital.Post($"/api/wellbeing/health-screenings/{round}/results", HealthHttp.Result(healthy, 5.0m, 0.25m, 5.1m, null, 1m))).ReadJson();
        Assert.Equal(JsonValueKind.Null, normal.GetProperty("referralId").ValueKind);

        // Refusals: a second result, a child the school has not recorded, another hospital, bad input.
        var again = await hospital.Post($"/api/wellbeing/health-screenings/{round}/results", HealthHttp.Result(myopic, 5.0m, null, 5.0m, null, 1m));
        Assert.Equal((HttpStatusCode.Conflict, "result-exists"), (again.StatusCode, (await again.ReadJson()).Str("code")));
        var stranger = await hospital.Post($"/api/wellbeing/health-screenings/{round}/results", HealthHttp.Result(Guid.NewGuid(), 5.0m, null, 5.0m, null, 1m));
        Assert.Equal((HttpStatusCode.Conflict, "child-not-recorded"), (stranger.StatusCode, (await stranger.ReadJson()).Str("code")));
        using var outside = system.Officer(school, school.OutsideHospitalId);
        Assert.Equal(HttpStatusCode.Forbidden, (await outside.Post($"/api/wellbeing/health-screenings/{round}/results", HealthHttp.Result(healthy, 5.0m, null, 5.0m, null, 1m))).StatusCode);
        var bad = await hospital.Post($"/api/wellbeing/health-screenings/{round}/results", HealthHttp.Result(healthy, 6.1m, -40m, 5.0m, null, 99m, grade: 13));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var fields = (await bad.ReadJson()).GetProperty("errors");
        foreach (var field in new[] { "vision.right.acuity", "vision.right.sphere", "spine.trunkRotation", "grade" })
        {
            Assert.True(fields.TryGetProperty(field, out _), $"{field} in {fields}");
        }

        // The referral runs through the referral flow: the hospital sees it, accepts it.
        var list = await (await hospital.GetAsync("/api/wellbeing/referrals")).ReadJson();
        Assert.Contains(list.Items(), r => r.GetProperty("referralId").GetGuid() == referralId && r.Str("status") == "Referred" && r.GetProperty("studentId").GetGuid() == myopic);
        // Names beside the ids, from the replica of Alliances' facts.
        var listed = list.Items().Single(r => r.GetProperty("referralId").GetGuid() == referralId);
        Assert.Equal(("测试学校", "测试医院"), (listed.Str("schoolName"), listed.Str("unitName")));
        var referral = await hospital.GetAsync($"/api/wellbeing/referrals/{referralId}?purpose=Referral");
        Assert.Contains("视力", (await referral.ReadJson()).Str("reason"));
        Assert.Equal(HttpStatusCode.OK, (await hospital.Post($"/api/wellbeing/referrals/{referralId}/accept", new { }, referral.ETag())).StatusCode);
        var published = await probe.Until(seen => seen.Any(d => d.Raw.Contains(referralId.ToString()))
            && seen.Count(d => d.Type.Contains("HealthScreeningResultReady") && d.Raw.Contains(round.ToString())) == 2);
        var message = Assert.Single(published, d => d.Raw.Contains(referralId.ToString())).Message;
        Assert.Equal(round, message.GetProperty("healthScreeningRoundId").GetGuid());
        // The parents' pages learn that a result is ready: ids only, no measurement and no finding.
        var ready = Assert.Single(published, d => d.Type.Contains("HealthScreeningResultReady") && d.Raw.Contains(myopic.ToString()));
        Assert.Equal((round, school.Id), (ready.Message.GetProperty("roundId").GetGuid(), ready.Message.GetProperty("schoolId").GetGuid()));
        Assert.DoesNotContain("Myopia", ready.Raw, StringComparison.OrdinalIgnoreCase);

        // The measurements are sealed in the store: no acuity in clear.
        await using (var q = system.Store.QuerySession())
        {
            var events = await q.Events.FetchStreamAsync(HealthResult.IdOf(round, myopic));
            var raw = JsonSerializer.Serialize(events.Single().Data);
            Assert.DoesNotContain("Acuity", raw, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("4.6", raw);
        }

        // The child's own parents read the results, with what to do next; another parent may not.
        using var parent = system.Client(new TokenRequest(Role.Parent, school.County, Subject: $"p-{Guid.NewGuid():N}", Children: [myopic]));
        var mine = await parent.GetAsync($"/api/wellbeing/health-screenings/children/{myopic}");
        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        var result = Assert.Single((await mine.ReadJson()).GetProperty("results").EnumerateArray());
        Assert.Equal(4.6m, result.GetProperty("measurements").GetProperty("vision").GetProperty("right").GetProperty("acuity").GetDecimal());
        Assert.Equal(("MyopiaSuspected", "Accepted", "测试医院"), (result.Str("vision"), result.Str("referralStatus"), result.Str("hospitalName")));
        Assert.Contains(result.GetProperty("nextSteps").EnumerateArray(), s => s.GetString()!.Contains("散瞳验光"));
        using var otherParent = system.Client(new TokenRequest(Role.Parent, school.County, Subject: $"p-{Guid.NewGuid():N}", Children: [healthy]));
        // Another family's child is not theirs to learn of: 404, as for a child with no results (README, "Not yours").
        Assert.Equal(HttpStatusCode.NotFound, (await otherParent.GetAsync($"/api/wellbeing/health-screenings/children/{myopic}")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync($"/api/wellbeing/health-screenings/children/{myopic}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/wellbeing/health-screenings/children/{myopic}?purpose=Screening")).StatusCode);
        var log = await (await admin.GetAsync($"/api/wellbeing/access-log?studentId={myopic}")).ReadJson();
        Assert.Contains(log.Items(), e => e.Str("resource") == "HealthScreening" && e.Str("readerRole") == "Parent" && !e.GetProperty("refused").GetBoolean());
        // The other parent's try is recorded as a refused attempt.
        Assert.Single(log.Items(), e => e.Str("readerRole") == "Parent" && e.GetProperty("refused").GetBoolean());

        // The round's list shows findings and referrals, never measurements.
        var results = await (await admin.GetAsync($"/api/wellbeing/health-screenings/{round}/results")).ReadJson();
        Assert.Equal(2, results.GetProperty("total").GetInt32());
        Assert.DoesNotContain("acuity", results.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_closed_round_takes_no_more_results_and_only_its_hospital_closes_it()
    {
        var school = await system.SchoolAsync();
        using var admin = system.Admin(school);
        var (child, _) = await admin.RecordChild(school);
        using var hospital = system.Officer(school);
        var (round, etag) = await hospital.OpenRound(school, checks: ["Spine"]);
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.Post($"/api/wellbeing/health-screenings/{round}/close", new { }, etag)).StatusCode);
        Assert.Equal((HttpStatusCode)428, (await hospital.Post($"/api/wellbeing/health-screenings/{round}/close", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await hospital.Post($"/api/wellbeing/health-screenings/{round}/close", new { }, "\"7\"")).StatusCode);
        var closed = await hospital.Post($"/api/wellbeing/health-screenings/{round}/close", new { }, etag);
        Assert.Equal((HttpStatusCode.OK, "Closed", "\"2\""), (closed.StatusCode, (await closed.ReadJson()).Str("status"), closed.ETag()));
        var late = await hospital.Post($"/api/wellbeing/health-screenings/{round}/results",
            new { studentId = child, grade = 3, screenedOn = DateOnly.FromDateTime(DateTime.UtcNow), spine = new { trunkRotation = 6 } });
        Assert.Equal((HttpStatusCode.Conflict, "round-closed"), (late.StatusCode, (await late.ReadJson()).Str("code")));
    }
}

[Collection(SystemCollection.Name)]
public sealed class ImportHealthResultsApiTests(WellbeingSystem system)
{
    [Fact]
    public async Task The_hospitals_csv_keeps_valid_rows_lists_bad_ones_and_refers_those_past_the_threshold()
    {
        var school = await system.SchoolAsync();
        using var admin = system.Admin(school);
        var (a, _) = await admin.RecordChild(school);
        var (b, _) = await admin.RecordChild(school);
        using var hospital = system.Officer(school);
        var (round, etag) = await hospital.OpenRound(school);
        var today = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd");
        var csv = "studentId,grade,screenedOn,rightAcuity,leftAcuity,rightSphere,leftSphere,trunkRotation\n"
            + $"{a},5,{today},4.7,4.9,-1.25,-0.75,2\n"
            + $"{b},5,{today},5.0,5.0,,,7\n"
            + $"{b},15,{today},5.0,5.0,,,1\n"
            + $"{Guid.NewGuid()},5,{today},5.0,5.0,,,1\n"
            + $"{a},5,{today},9.9,5.0,,,1,extra\n";

        Assert.Equal((HttpStatusCode)428, (await hospital.Import(round, csv, null)).StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await hospital.Import(round, csv, "\"3\"")).StatusCode);
        using var outside = system.Officer(school, school.OutsideHospitalId);
        Assert.Equal(HttpStatusCode.Forbidden, (await outside.Import(round, csv, etag)).StatusCode);

        var response = await hospital.Import(round, csv, etag);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await response.ReadJson();
        Assert.Equal((5, 2, 3, 2), (report.GetProperty("rows").GetInt32(), report.GetProperty("accepted").GetInt32(),
            report.GetProperty("rejected").GetInt32(), report.GetProperty("referred").GetInt32()));
        var errors = report.GetProperty("errors").EnumerateArray().ToArray();
        Assert.Equal([3, 4, 5], errors.Select(e => e.GetProperty("row").GetInt32()));
        Assert.True(errors[0].GetProperty("errors").TryGetProperty("grade", out _));
        Assert.True(errors[1].GetProperty("errors").TryGetProperty("studentId", out _));
        Assert.True(errors[2].GetProperty("errors").TryGetProperty("row", out _));
        Assert.Equal("\"2\"", response.ETag());

        var read = await (await hospital.GetAsync($"/api/wellbeing/health-screenings/{round}")).ReadJson();
        Assert.Equal((2, 2), (read.GetProperty("results").GetInt32(), read.GetProperty("referred").GetInt32()));
        Assert.Equal(3, Assert.Single(read.GetProperty("imports").EnumerateArray()).GetProperty("rejected").GetArrayLength());
        var referrals = await (await hospital.GetAsync("/api/wellbeing/referrals")).ReadJson();
        Assert.Equal(2, referrals.Items().Count(r => r.GetProperty("studentId").GetGuid() == a || r.GetProperty("studentId").GetGuid() == b));
    }

    [Theory]
    [InlineData("studentId,grade,screenedOn\nx,1,2026-01-01\n")]
    [InlineData("studentId,grade,screenedOn,rightAcuity,leftAcuity,trunkRotation\n")]
    [InlineData("studentId,grade,screenedOn,rightAcuity,leftAcuity,trunkRotation\nnot-a-guid,3,2026-11-01,5.0,5.0,1\n")]
    public async Task A_malformed_csv_is_a_400_naming_the_problem_and_nothing_is_appended(string csv)
    {
        var school = await system.SchoolAsync();
        using var hospital = system.Officer(school);
        var (round, etag) = await hospital.OpenRound(school);
        await using var q = system.Store.QuerySession();
        var before = await q.Events.QueryAllRawEvents().CountAsync();
        var response = await hospital.Import(round, csv, etag);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadJson()).GetProperty("errors").EnumerateObject().Any());
        await using var q2 = system.Store.QuerySession();
        Assert.Equal(before, await q2.Events.QueryAllRawEvents().CountAsync());
    }
}

[Collection(SystemCollection.Name)]
public sealed class HealthFiguresApiTests(WellbeingSystem system)
{
    [Fact]
    public async Task The_bureau_and_health_see_coverage_myopia_by_grade_scoliosis_and_referrals_completed_with_small_cells_suppressed()
    {
        var school = await system.SchoolAsync("510106");
        using var admin = system.Admin(school);
        using var hospital = system.Officer(school);
        var (round, _) = await hospital.OpenRound(school, expected: 10);
        var children = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            children.Add((await admin.RecordChild(school)).Id);
        }
        Guid? firstReferral = null;
        for (var i = 0; i < 6; i++)
        {
            // Five myopic children in grade 4; the sixth sees well but screens positive for scoliosis.
            var body = i < 5 ? HealthHttp.Result(children[i], 4.6m, -1.0m, 4.7m, -1.0m, 1m) : HealthHttp.Result(children[i], 5.0m, 0m, 5.0m, 0m, 8m);
            var recorded = await (await hospital.Post($"/api/wellbeing/health-screenings/{round}/results", body)).ReadJson();
            firstReferral ??= recorded.GetProperty("referralId").GetGuid();
        }
        // One referral completed: accepted and seen.
        var referral = await hospital.GetAsync($"/api/wellbeing/referrals/{firstReferral}?purpose=Referral");
        var accepted = await hospital.Post($"/api/wellbeing/referrals/{firstReferral}/accept", new { }, referral.ETag());
        Assert.Equal(HttpStatusCode.OK, (await hospital.Post($"/api/wellbeing/referrals/{firstReferral}/seen",
            new { seenOn = system.Today }, accepted.ETag())).StatusCode);

        using var county = system.Client(Role.CountyAdmin, "510106");
        var figures = await (await county.GetAsync("/api/wellbeing/figures/health-screening")).ReadJson();
        var row = Assert.Single(figures.GetProperty("schools").EnumerateArray(), s => s.GetProperty("schoolId").GetGuid() == school.Id);
        Assert.Equal(("测试学校", "6", 0.6m), (row.Str("schoolName"), row.Str("screened"), row.GetProperty("coverage").GetDecimal()));
        Assert.Equal(("6", "5", 0.833m), (row.Str("visionScreened"), row.Str("myopia"), row.GetProperty("myopiaRate").GetDecimal()));
        var grade = Assert.Single(row.GetProperty("myopiaByGrade").EnumerateArray());
        Assert.Equal((4, "6", "5"), (grade.GetProperty("grade").GetInt32(), grade.Str("visionScreened"), grade.Str("myopia")));
        Assert.Equal(("6", "<5", JsonValueKind.Null), (row.Str("spineScreened"), row.Str("scoliosisPositive"), row.GetProperty("scoliosisRate").ValueKind));
        Assert.Equal(("6", "<5"), (row.Str("referred"), row.Str("referralsCompleted")));
        Assert.Contains(figures.GetProperty("counties").EnumerateArray(), c => c.Str("countyCode") == "510106");
        Assert.DoesNotContain(children[0].ToString(), figures.ToString());

        // Region scoping: the health department of the city sees it; another county neither sees it nor may ask for it.
        using var health = system.Client(new TokenRequest(Role.DepartmentOfficer, "5101", Subject: $"h-{Guid.NewGuid():N}", Department: Department.Health));
        var city = await (await health.GetAsync("/api/wellbeing/figures/health-screening?county=510106")).ReadJson();
        Assert.Contains(city.GetProperty("schools").EnumerateArray(), s => s.GetProperty("schoolId").GetGuid() == school.Id);
        using var other = system.Client(Role.CountyAdmin, "510107");
        Assert.DoesNotContain(school.Id.ToString(), (await (await other.GetAsync("/api/wellbeing/figures/health-screening")).ReadJson()).ToString());
        var outside = await other.GetAsync("/api/wellbeing/figures/health-screening?county=510106");
        Assert.Equal(HttpStatusCode.BadRequest, outside.StatusCode);
        Assert.True((await outside.ReadJson()).GetProperty("errors").TryGetProperty("county", out _));
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.GetAsync("/api/wellbeing/figures/health-screening")).StatusCode);
        using var civil = system.Client(new TokenRequest(Role.DepartmentOfficer, "5101", Subject: $"c-{Guid.NewGuid():N}", Department: Department.CivilAffairs));
        Assert.Equal(HttpStatusCode.Forbidden, (await civil.GetAsync("/api/wellbeing/figures/health-screening")).StatusCode);
    }
}
