using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using JiaoLianTi.Activities.Programmes;
using JiaoLianTi.Alliances.Contracts;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Marten;
using Xunit;
using Xunit.Abstractions;
using static JiaoLianTi.Activities.Tests.Api.Drive;
using static JiaoLianTi.Activities.Tests.Api.ProgrammeDrive;

namespace JiaoLianTi.Activities.Tests.Api;

/// <summary>课后服务 through the gateway: who may do what, enrolment and its waitlist, attendance, a provider leaving.</summary>
[Collection(SystemCollection.Name)]
public sealed class ProgrammeTests(ActivitiesSystem system, ITestOutputHelper output) : IAsyncLifetime
{
    private BrokerProbe probe = null!;

    public async Task InitializeAsync() => probe = await BrokerProbe.BindAsync(system,
        typeof(Contracts.ProgrammePublished), typeof(Contracts.ProgrammeSessionHeld), typeof(Contracts.ProgrammeProviderLeft));

    public async Task DisposeAsync() => await probe.DisposeAsync();

    [Fact]
    public async Task A_schools_staff_create_and_open_a_programme_others_do_not_see_it_or_may_not_run_it()
    {
        var school = await system.School(Jinjiang);
        var provider = await system.MemberProvider(Jinjiang);
        using var admin = system.Staff(Jinjiang, school);
        var (id, etag) = await Create(admin, Body(system.Term(), provider, places: 20, dimensions: ["Physical", "Moral"]));
        Assert.Equal("\"1\"", etag);
        var view = await Programme(admin, id);
        Assert.Equal("Draft", view.Str("status"));
        Assert.Equal("MemberUnit", view.GetProperty("provider").Str("kind"));
        Assert.Equal(provider.UnitId, view.GetProperty("providerUnitId").GetGuid());
        Assert.Equal(provider.ResourceId, view.GetProperty("baseId").GetGuid());
        Assert.Equal(["Moral", "Physical"], view.GetProperty("dimensions").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(1.5m, view.GetProperty("sessionHours").GetDecimal());

        // A parent does not see a draft; another school's staff and another county's bureau never see it.
        var child = Guid.NewGuid();
        using var parent = system.Parent(Jinjiang, school, child);
        Assert.Equal(HttpStatusCode.NotFound, (await parent.GetAsync($"/api/activities/programmes/{id}")).StatusCode);
        using var otherStaff = system.Staff(Jinjiang, await system.School(Jinjiang));
        Assert.Equal(HttpStatusCode.NotFound, (await otherStaff.GetAsync($"/api/activities/programmes/{id}")).StatusCode);
        await AssertProblem(await otherStaff.Post($"/api/activities/programmes/{id}/open", new { }, "\"1\""), HttpStatusCode.NotFound);
        using var qingyang = system.Client(Role.CountyAdmin, Qingyang);
        Assert.Equal(HttpStatusCode.NotFound, (await qingyang.GetAsync($"/api/activities/programmes/{id}")).StatusCode);
        using var jinjiang = system.Client(Role.CountyAdmin, Jinjiang);
        Assert.Equal(HttpStatusCode.OK, (await jinjiang.GetAsync($"/api/activities/programmes/{id}")).StatusCode);
        // The bureau sees it but does not run it; the provider's officer sees the programmes it gives.
        await AssertProblem(await jinjiang.Post($"/api/activities/programmes/{id}/open", new { }, "\"1\""), HttpStatusCode.Forbidden);
        using var officer = system.Client(Role.MemberOfficer, Jinjiang, memberUnitId: provider.UnitId);
        Assert.Equal(HttpStatusCode.OK, (await officer.GetAsync($"/api/activities/programmes/{id}")).StatusCode);

        // If-Match: missing 428, stale 412; a teacher of the school opens it.
        await AssertProblem(await admin.Post($"/api/activities/programmes/{id}/open", new { }), (HttpStatusCode)428);
        await AssertProblem(await admin.Post($"/api/activities/programmes/{id}/open", new { }, "\"7\""), HttpStatusCode.PreconditionFailed);
        using var teacher = system.Staff(Jinjiang, school, Role.Teacher);
        var opened = await teacher.Post($"/api/activities/programmes/{id}/open", new { }, "\"1\"");
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        Assert.Equal("\"2\"", opened.ETag());
        Assert.Equal(HttpStatusCode.OK, (await parent.GetAsync($"/api/activities/programmes/{id}")).StatusCode);
        Assert.Contains((await (await parent.GetAsync($"/api/activities/programmes?term={system.Term()}&school={school}")).ReadJson()).Items(),
            p => p.Id() == id);

        var published = await probe.WaitFor(m => m.GetProperty("programmeId").GetGuid() == id);
        Assert.NotNull(published);
        Assert.Equal("MemberUnit", published.Value.Str("providerKind"));
        Assert.Equal(["Moral", "Physical"], published.Value.GetProperty("dimensions").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal("15:30", published.Value.Str("startTime"));
    }

    [Fact]
    public async Task Bad_input_is_a_400_naming_the_field_and_creates_nothing()
    {
        var school = await system.School(Jinjiang);
        using var admin = system.Staff(Jinjiang, school);
        await AssertProblem(await admin.Post("/api/activities/programmes", new { title = "x" }), HttpStatusCode.BadRequest, "term");
        await AssertProblem(await admin.Post("/api/activities/programmes", Body("2026-summer")), HttpStatusCode.BadRequest, "term");
        await AssertProblem(await admin.Post("/api/activities/programmes", Body(system.Term(), dimensions: [])), HttpStatusCode.BadRequest, "dimensions");
        await AssertProblem(await admin.Post("/api/activities/programmes", Body(system.Term(), dimensions: ["Music"])), HttpStatusCode.BadRequest);
        await AssertProblem(await admin.Post("/api/activities/programmes", Body(system.Term(), places: 0)), HttpStatusCode.BadRequest, "places");
        await AssertProblem(await admin.PostRaw("/api/activities/programmes",
            $$"""{"term":"{{system.Term()}}","title":"t","weekdays":["Monday"],"startTime":"3pm","endTime":"17:00","places":5,"providerKind":"SchoolStaff","providerName":"本校","dimensions":["Moral"]}"""),
            HttpStatusCode.BadRequest, "startTime");
        await AssertProblem(await admin.Post("/api/activities/programmes", new
        {
            term = system.Term(), title = "t", weekdays = new[] { "Monday" }, startTime = "15:30", endTime = "17:00", places = 5,
            providerKind = "MemberUnit", dimensions = new[] { "Moral" },
        }), HttpStatusCode.BadRequest, "resourceId");
        await AssertProblem(await admin.Post("/api/activities/programmes", new
        {
            term = system.Term(), title = "t", weekdays = new[] { "Saturday" }, startTime = "15:30", endTime = "17:00", places = 5,
            providerKind = "SchoolStaff", providerName = "本校", dimensions = new[] { "Moral" },
        }), HttpStatusCode.Conflict, "weekdays-only");
        // A resource of another county is no provider for this school.
        var elsewhere = await system.MemberProvider(Qingyang);
        await AssertProblem(await admin.Post("/api/activities/programmes", Body(system.Term(), elsewhere)), HttpStatusCode.BadRequest, "resourceId");
        // More places than the provider's resource holds.
        var small = await system.MemberProvider(Jinjiang, capacity: 10);
        await AssertProblem(await admin.Post("/api/activities/programmes", Body(system.Term(), small, places: 11)), HttpStatusCode.Conflict, "places-over-capacity");
        // Parents and bureaus do not create programmes.
        var child = Guid.NewGuid();
        using var parent = system.Parent(Jinjiang, school, child);
        await AssertProblem(await parent.Post("/api/activities/programmes", Body(system.Term())), HttpStatusCode.Forbidden);

        var list = await (await admin.GetAsync($"/api/activities/programmes?school={school}")).ReadJson();
        Assert.Equal(0, list.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Places_go_in_order_then_the_waitlist_and_a_withdrawal_promotes_the_first_waiting()
    {
        var school = await system.School(Jinjiang);
        using var admin = system.Staff(Jinjiang, school);
        var id = await CreateAndOpen(admin, Body(system.Term(), places: 2));
        var answers = new List<(Guid Child, System.Text.Json.JsonElement Answer)>();
        for (var i = 0; i < 4; i++)
        {
            answers.Add(await Enrol(system, Jinjiang, school, id));
        }
        Assert.Equal(["Enrolled", "Enrolled", "Waitlisted", "Waitlisted"], answers.Select(a => a.Answer.Str("status")));
        Assert.Equal([1, 2], answers.Skip(2).Select(a => a.Answer.GetProperty("waitlistPosition").GetInt32()));

        // Enrolling again: the same answer, no second place.
        var first = answers[0].Child;
        using var firstParent = system.Parent(Jinjiang, school, first);
        var again = await firstParent.Post($"/api/activities/programmes/{id}/enrolments", Pupil(first));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("Enrolled", (await again.ReadJson()).Str("status"));
        // A parent enrols only their own child; staff do not enrol.
        await AssertProblem(await firstParent.Post($"/api/activities/programmes/{id}/enrolments", Pupil(Guid.NewGuid())), HttpStatusCode.Forbidden);
        await AssertProblem(await admin.Post($"/api/activities/programmes/{id}/enrolments", Pupil(Guid.NewGuid())), HttpStatusCode.Forbidden);
        // Another county's parent does not see the programme.
        var far = Guid.NewGuid();
        using var farParent = system.Parent(Qingyang, await system.School(Qingyang), far);
        await AssertProblem(await farParent.Post($"/api/activities/programmes/{id}/enrolments", Pupil(far)), HttpStatusCode.NotFound);

        var withdrawn = await firstParent.Post($"/api/activities/programmes/{id}/enrolments/{first}/withdraw", new { }, "\"1\"");
        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        Assert.Equal("Withdrawn", (await withdrawn.ReadJson()).Str("status"));
        var promoted = await (await admin.GetAsync($"/api/activities/programmes/{id}/enrolments/{answers[2].Child}")).ReadJson();
        Assert.Equal("Enrolled", promoted.Str("status"));
        Assert.Equal("小明", promoted.Str("displayName"));
        var view = await Programme(admin, id);
        Assert.Equal((2, 1, 0), (view.GetProperty("enrolled").GetInt32(), view.GetProperty("waitlistLength").GetInt32(), view.GetProperty("placesLeft").GetInt32()));
        // The parent reads their child's programmes; another parent does not.
        var mine = await (await firstParent.GetAsync($"/api/activities/students/{first}/programmes")).ReadJson();
        Assert.Equal("Withdrawn", Assert.Single(mine.Items()).Str("status"));
        await AssertProblem(await farParent.GetAsync($"/api/activities/students/{first}/programmes"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Three_hundred_parents_at_once_for_twenty_places_never_overbook()
    {
        const int parents = 300, places = 20;
        var school = await system.School(Jinjiang);
        using var admin = system.Staff(Jinjiang, school);
        var id = await CreateAndOpen(admin, Body(system.Term(), places: places));
        var children = Enumerable.Range(0, parents).Select(_ => Guid.NewGuid()).ToArray();
        var tokens = children.Select(c => TestSystem.Token(new TokenRequest(Role.Parent, Jinjiang, school, Subject: $"p-{c:N}", Children: [c]))).ToArray();
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 256 };
        using var http = new HttpClient(handler) { BaseAddress = system.GatewayAddress, Timeout = TimeSpan.FromSeconds(90) };
        var start = new TaskCompletionSource();
        var busy = new StrongBox<int>();
        var requests = children.Select(async (child, i) =>
        {
            await start.Task;
            // Past the capacity of the gateway or the service a parent gets 503 with Retry-After, which changed
            // nothing, and the app sends the enrolment again then (39 of the 300 got it once on a loaded machine).
            using var response = await http.SendUntilServed(() => new HttpRequestMessage(HttpMethod.Post, $"/api/activities/programmes/{id}/enrolments")
            {
                Content = JsonContent.Create(Pupil(child)),
                Headers = { Authorization = new AuthenticationHeaderValue("Bearer", tokens[i]) },
            }, busy);
            return (response.StatusCode, Body: await response.ReadJson());
        }).ToArray();
        start.SetResult();
        var answers = await Task.WhenAll(requests);
        output.WriteLine($"{parents} enrolments through the gateway ({busy.Value} answers 503/429 with Retry-After, sent again)");

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.StatusCode));
        Assert.Equal(places, answers.Count(a => a.Body.Str("status") == "Enrolled"));
        Assert.Equal(Enumerable.Range(1, parents - places),
            answers.Where(a => a.Body.Str("status") == "Waitlisted").Select(a => a.Body.GetProperty("waitlistPosition").GetInt32()).Order());
        await using var session = system.Store.QuerySession();
        var stored = (await session.Query<ProgrammeEnrolment>().Where(e => e.ProgrammeId == id).ToListAsync()).OrderBy(e => e.Sequence).ToList();
        Assert.Equal(Enumerable.Range(1, parents).Select(i => (long)i), stored.Select(e => e.Sequence));
        Assert.All(stored.Take(places), e => Assert.Equal(EnrolmentStatus.Enrolled, e.Status));
        Assert.All(stored.Skip(places), e => Assert.Equal(EnrolmentStatus.Waitlisted, e.Status));
        var view = await Programme(admin, id);
        Assert.Equal((places, parents - places), (view.GetProperty("enrolled").GetInt32(), view.GetProperty("waitlistLength").GetInt32()));
    }

    [Fact]
    public async Task Attendance_per_session_by_the_school_or_the_provider_counts_the_providers_hours()
    {
        var school = await system.School(Jinjiang);
        var provider = await system.MemberProvider(Jinjiang, name: "锦江区青少年宫");
        using var admin = system.Staff(Jinjiang, school);
        var id = await CreateAndOpen(admin, Body(system.Term(), provider, places: 5));
        var (a, _) = await Enrol(system, Jinjiang, school, id);
        var (b, _) = await Enrol(system, Jinjiang, school, id);
        var day = system.LastSchoolDay();
        var path = $"/api/activities/programmes/{id}/sessions/{day:yyyy-MM-dd}/attendance";

        using var teacher = system.Staff(Jinjiang, school, Role.Teacher);
        var first = await teacher.Put(path, new { present = new[] { a } });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal("\"1\"", first.ETag());
        // A correction needs the version read: without it 428, stale 412; the provider's officer may correct it.
        await AssertProblem(await teacher.Put(path, new { present = new[] { a, b } }), (HttpStatusCode)428);
        await AssertProblem(await teacher.Put(path, new { present = new[] { a, b } }, "\"5\""), HttpStatusCode.PreconditionFailed);
        using var officer = system.Client(Role.MemberOfficer, Jinjiang, memberUnitId: provider.UnitId);
        var corrected = await officer.Put(path, new { present = new[] { a, b } }, "\"1\"");
        Assert.Equal(HttpStatusCode.OK, corrected.StatusCode);
        Assert.Equal(2, (await corrected.ReadJson()).GetProperty("present").GetArrayLength());
        // Someone without a place is not present; a parent, or a day that is no session, is refused.
        await AssertProblem(await teacher.Put(path, new { present = new[] { Guid.NewGuid() } }, "\"2\""), HttpStatusCode.Conflict, "not-enrolled");
        using var parent = system.Parent(Jinjiang, school, a);
        await AssertProblem(await parent.Put(path, new { present = new[] { a } }, "\"2\""), HttpStatusCode.Forbidden);
        await AssertProblem(await teacher.Put($"/api/activities/programmes/{id}/sessions/2020-01-01/attendance", new { present = Array.Empty<Guid>() }),
            HttpStatusCode.Conflict, "not-a-session");
        await AssertProblem(await teacher.Put($"/api/activities/programmes/{id}/sessions/yesterday/attendance", new { present = Array.Empty<Guid>() }),
            HttpStatusCode.BadRequest, "date");

        var view = await Programme(admin, id);
        Assert.Equal((1, 2, 1.5m), (view.GetProperty("sessionsHeld").GetInt32(), view.GetProperty("attendances").GetInt32(),
            view.GetProperty("providerHours").GetDecimal()));
        var enrolment = await (await parent.GetAsync($"/api/activities/programmes/{id}/enrolments/{a}")).ReadJson();
        Assert.Equal(1, enrolment.GetProperty("sessionsAttended").GetInt32());

        // The provider's hours, for the provider and for the county; the session left for the provider's own report.
        var own = await (await officer.GetAsync($"/api/activities/programmes/provider-hours?term={system.Term()}")).ReadJson();
        var row = Assert.Single(own.GetProperty("providers").EnumerateArray());
        Assert.Equal((provider.UnitId, 1.5m), (row.GetProperty("unitId").GetGuid(), row.GetProperty("hours").GetDecimal()));
        using var county = system.Client(Role.CountyAdmin, Jinjiang);
        var all = await (await county.GetAsync($"/api/activities/programmes/provider-hours?term={system.Term()}")).ReadJson();
        Assert.Contains(all.GetProperty("providers").EnumerateArray(), r => r.TryGetProperty("unitId", out var u) && u.ValueKind == System.Text.Json.JsonValueKind.String && u.GetGuid() == provider.UnitId);
        await AssertProblem(await parent.GetAsync($"/api/activities/programmes/provider-hours"), HttpStatusCode.Forbidden);
        var held = await probe.WaitFor(m => m.TryGetProperty("hours", out _) && m.GetProperty("programmeId").GetGuid() == id);
        Assert.NotNull(held);
        Assert.Equal(provider.UnitId, held.Value.GetProperty("providerUnitId").GetGuid());
        Assert.Equal(day.ToString("yyyy-MM-dd"), held.Value.Str("date"));
        Assert.DoesNotContain(a.ToString(), held.Value.GetRawText());
    }

    [Fact]
    public async Task A_provider_leaving_its_alliance_flags_its_programmes_for_the_school_which_chooses_its_own_staff()
    {
        var school = await system.School(Jinjiang);
        var provider = await system.MemberProvider(Jinjiang, name: "锦江区文化馆");
        using var admin = system.Staff(Jinjiang, school);
        var id = await CreateAndOpen(admin, Body(system.Term(), provider, dimensions: ["Aesthetic"]));
        var (child, _) = await Enrol(system, Jinjiang, school, id);
        var staffRun = await CreateAndOpen(admin, Body(system.Term(), title: "书法"));

        await system.PublishAsync(new MemberLeft(provider.AllianceId, provider.UnitId, DateTimeOffset.UtcNow.AddSeconds(1)));

        var flagged = await Eventually.Until(() => Programme(admin, id), v => v.GetProperty("providerLeftAt").ValueKind == System.Text.Json.JsonValueKind.String);
        Assert.Equal(System.Text.Json.JsonValueKind.String, flagged.GetProperty("providerLeftAt").ValueKind);
        Assert.Equal("Open", flagged.Str("status"));
        var list = await (await admin.GetAsync($"/api/activities/programmes?flagged=true")).ReadJson();
        Assert.Equal(id, Assert.Single(list.Items()).Id());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await Programme(admin, staffRun)).GetProperty("providerLeftAt").ValueKind);
        var left = await probe.WaitFor(m => m.TryGetProperty("unitId", out _) && m.GetProperty("programmeId").GetGuid() == id);
        Assert.Equal(school, left!.Value.GetProperty("schoolId").GetGuid());

        // The left unit is no provider for a new programme; the school hands this one to its own staff.
        await AssertProblem(await admin.Post("/api/activities/programmes", Body(system.Term(), provider)), HttpStatusCode.Conflict, "provider-not-member");
        var changed = await admin.Post($"/api/activities/programmes/{id}/provider", new { providerKind = "SchoolStaff", providerName = "本校美术组" }, flagged.GetProperty("revision").ToString() is var r ? $"\"{r}\"" : null);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var after = await changed.ReadJson();
        Assert.Equal(System.Text.Json.JsonValueKind.Null, after.GetProperty("providerLeftAt").ValueKind);
        Assert.Equal("SchoolStaff", after.GetProperty("provider").Str("kind"));
        Assert.Equal(1, after.GetProperty("enrolled").GetInt32());
        Assert.Empty((await (await admin.GetAsync($"/api/activities/programmes?flagged=true")).ReadJson()).Items());
        Assert.Equal("Enrolled", (await (await admin.GetAsync($"/api/activities/programmes/{id}/enrolments/{child}")).ReadJson()).Str("status"));
    }

    [Fact]
    public async Task A_dissolved_alliance_flags_the_programmes_its_members_give()
    {
        var school = await system.School(Jinjiang);
        var provider = await system.MemberProvider(Jinjiang, name: "锦江区科技馆");
        using var admin = system.Staff(Jinjiang, school);
        var id = await CreateAndOpen(admin, Body(system.Term(), provider, dimensions: ["Intellectual"]));

        await system.PublishAsync(new AllianceDissolved(provider.AllianceId, Jinjiang, "合并", DateTimeOffset.UtcNow.AddSeconds(1)));

        var flagged = await Eventually.Until(() => Programme(admin, id), v => v.GetProperty("providerLeftAt").ValueKind == System.Text.Json.JsonValueKind.String);
        Assert.Equal(System.Text.Json.JsonValueKind.String, flagged.GetProperty("providerLeftAt").ValueKind);
        Assert.Equal(provider.UnitId, flagged.GetProperty("providerUnitId").GetGuid());
    }
}
