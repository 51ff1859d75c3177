using System.Net;
using JiaoLianTi.Alliances.Contracts;
using JiaoLianTi.Platform.AlliancesReplica;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Platform.Messaging;
using JiaoLianTi.TestKit;
using Xunit;
using static JiaoLianTi.Activities.Tests.Api.Drive;

namespace JiaoLianTi.Activities.Tests.Api;

/// <summary>Alliances' resources in Activities' own read model, and who sees which activity.</summary>
[Collection(SystemCollection.Name)]
public sealed class ResourceAndScopeTests(ActivitiesSystem system)
{
    [Fact]
    public async Task A_withdrawn_resource_cancels_the_activities_using_it_and_says_so()
    {
        var school = await system.School(Jinjiang);
        var resource = await system.Resource(Jinjiang, 100);
        using var staff = system.Staff(Jinjiang, school);
        var open = await OpenStudyTrip(system, staff, resource, 50);
        var (draft, _) = await Draft(staff, ActivityBody(kind: "StudyTrip", seats: 20, resourceId: resource));
        var unrelated = await OpenLecture(staff);

        await system.PublishAsync(new ResourceWithdrawn(resource, Guid.NewGuid(), "场馆闭馆改造", DateTimeOffset.UtcNow));

        foreach (var id in new[] { open, draft })
        {
            var cancelled = await Status(staff, id, "Cancelled");
            Assert.Contains("场馆闭馆改造", cancelled.Str("cancelReason"));
            Assert.Contains("withdrawn", cancelled.Str("cancelReason"));
        }
        Assert.Equal("Open", (await Details(staff, unrelated)).Str("status"));
        await AssertProblem(await staff.Post("/api/activities", ActivityBody(kind: "StudyTrip", seats: 10, resourceId: resource)),
            HttpStatusCode.Conflict, "resource-withdrawn");
    }

    [Fact]
    public async Task A_publication_delivered_after_the_resources_withdrawal_leaves_the_activity_cancelled()
    {
        var school = await system.School(Jinjiang);
        using var staff = system.Staff(Jinjiang, school);
        var resource = Guid.NewGuid();
        var alliance = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        var published = new ResourcePublished(resource, alliance, Guid.NewGuid(), "Venue", "成都自然博物馆研学基地",
            [Pairings.VenueSchool], 100, Jinjiang, now, Version: 1);
        await system.PublishAsync(published);
        await system.Known<KnownResource>(resource);
        var open = await OpenStudyTrip(system, staff, resource, 50);
        await system.PublishAsync(new ResourceWithdrawn(resource, alliance, "场馆闭馆改造", now.AddMinutes(1), Version: 2));
        await Status(staff, open, "Cancelled");

        // The publication overtaken on its way (another consumer, a retry) arrives after the withdrawal, as a new message.
        var late = Guid.NewGuid();
        await system.PublishAsync(published, late);
        await system.Known<ProcessedMessage>(late);

        Assert.Equal("Cancelled", (await Details(staff, open)).Str("status"));
        Assert.True((await system.Known<KnownResource>(resource)).Withdrawn);
        await AssertProblem(await staff.Post("/api/activities", ActivityBody(kind: "StudyTrip", seats: 10, resourceId: resource)),
            HttpStatusCode.Conflict, "resource-withdrawn");
    }

    [Fact]
    public async Task Member_officers_see_activities_at_their_units_resources_and_county_admins_their_county()
    {
        var school = await system.School(Jinjiang);
        var unit = Guid.NewGuid();
        var resource = await system.Resource(Jinjiang, 100, unit);
        using var staff = system.Staff(Jinjiang, school);
        var (atVenue, _) = await Draft(staff, ActivityBody(kind: "StudyTrip", seats: 20, resourceId: resource));
        var elsewhere = await OpenLecture(staff);

        using var officer = system.Client(Role.MemberOfficer, Jinjiang, memberUnitId: unit);
        Assert.Equal(HttpStatusCode.OK, (await officer.GetAsync($"/api/activities/{atVenue}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await officer.GetAsync($"/api/activities/{elsewhere}")).StatusCode);
        var calendar = await (await officer.GetAsync("/api/activities")).ReadJson();
        Assert.Equal([atVenue], calendar.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));

        using var county = system.Client(Role.CountyAdmin, Jinjiang);
        var schoolCalendar = await (await county.GetAsync($"/api/activities?school={school}")).ReadJson();
        Assert.Equal(2, schoolCalendar.GetProperty("total").GetInt32());
        // The school's name beside its id, from the replica of Alliances' facts (README).
        Assert.All(schoolCalendar.GetProperty("items").EnumerateArray(), i => Assert.Equal("测试学校", i.GetProperty("schoolName").GetString()));
        using var other = system.Client(Role.CountyAdmin, Qingyang);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/activities/{elsewhere}")).StatusCode);
        Assert.Equal(0, (await (await other.GetAsync($"/api/activities?school={school}")).ReadJson()).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task The_calendar_is_paginated_and_filtered()
    {
        var school = await system.School(Jinjiang);
        using var staff = system.Staff(Jinjiang, school);
        for (var i = 0; i < 3; i++)
        {
            await OpenLecture(staff);
        }
        await OpenLecture(staff, kind: "Sport");

        var page = await (await staff.GetAsync($"/api/activities?school={school}&kind=Lecture&pageSize=2")).ReadJson();
        Assert.Equal(3, page.GetProperty("total").GetInt32());
        Assert.Equal(2, page.GetProperty("items").GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, (await staff.GetAsync("/api/activities?pageSize=0")).StatusCode);
    }

    [Fact]
    public async Task A_county_admin_drafts_and_runs_an_alliance_activity_that_schools_may_not_run()
    {
        var alliance = Guid.NewGuid();
        await system.PublishAsync(new AllianceEstablished(alliance, "锦江区教联体", "Regional", Jinjiang, "锦江区教育局", DateTimeOffset.UtcNow));
        await system.Known<JiaoLianTi.Platform.AlliancesReplica.KnownAlliance>(alliance);
        using var county = system.Client(Role.CountyAdmin, Jinjiang);
        var starts = DateTimeOffset.UtcNow.AddDays(30);

        var drafted = await county.Post("/api/activities", new
        {
            kind = "CommunityClass", title = "社区实践课堂：垃圾分类", location = "书院街社区", offCampus = false,
            startsAt = starts, endsAt = starts.AddHours(2), seats = 40, minAge = 8, maxAge = 14, allianceId = alliance,
        });
        Assert.Equal(HttpStatusCode.Created, drafted.StatusCode);
        var view = await drafted.ReadJson();
        Assert.Equal(alliance, view.GetProperty("allianceId").GetGuid());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, view.GetProperty("schoolId").ValueKind);
        var id = view.GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await county.Post($"/api/activities/{id}/open", new { }, "\"1\"")).StatusCode);

        using var school = system.Staff(Jinjiang, await system.School(Jinjiang));
        Assert.Equal(HttpStatusCode.Forbidden, (await school.Post($"/api/activities/{id}/close", new { }, "\"2\"")).StatusCode);
        using var other = system.Client(Role.CountyAdmin, Qingyang);
        await AssertProblem(await other.Post("/api/activities", new
        {
            kind = "CommunityClass", title = "x", location = "y", startsAt = starts, endsAt = starts.AddHours(1), seats = 5,
            minAge = 8, maxAge = 14, allianceId = alliance,
        }), HttpStatusCode.BadRequest, "allianceId");
    }

    [Fact]
    public async Task The_openapi_document_names_every_endpoint()
    {
        using var anonymous = system.Anonymous();
        var document = await (await anonymous.GetAsync("/api/activities/openapi/v1.json")).ReadJson();
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        foreach (var path in new[]
        {
            "/api/activities", "/api/activities/{id}/registrations", "/api/activities/{id}/volunteer-hours/{studentId}/approve",
            "/api/activities/physical-activity", "/api/activities/schools/{schoolId}/participation", "/api/activities/alliances",
        })
        {
            Assert.Contains(paths, p => p.TrimEnd('/') == path);
        }
    }

    [Fact]
    public async Task Known_alliances_are_still_listed()
    {
        var alliance = Guid.NewGuid();
        await system.PublishAsync(new AllianceEstablished(alliance, "锦江区教联体", "Regional", Jinjiang, "锦江区教育局", DateTimeOffset.UtcNow));
        using var admin = system.Client(Role.CountyAdmin, Jinjiang);
        var page = await Eventually.Until(async () => await (await admin.GetAsync("/api/activities/alliances?pageSize=500")).ReadJson(),
            p => p.GetProperty("items").EnumerateArray().Any(a => a.GetProperty("id").GetGuid() == alliance));
        Assert.Contains(page.GetProperty("items").EnumerateArray(), a => a.GetProperty("id").GetGuid() == alliance);
    }
}
