using System.Net;
using JiaoLianTi.Platform.Identity;
using Xunit;
using static JiaoLianTi.Activities.Tests.Api.Drive;

namespace JiaoLianTi.Activities.Tests.Api;

/// <summary>Registering, the waitlist, cancelling, check-in and attendance, and every refusal, through the gateway.</summary>
[Collection(SystemCollection.Name)]
public sealed class RegistrationTests(ActivitiesSystem system)
{
    private async Task<(Guid School, HttpClient Staff, Guid Activity)> OpenActivity(int seats, int minAge = 6, int maxAge = 18,
        DateTimeOffset? startsAt = null)
    {
        var school = await system.School(Jinjiang);
        var staff = system.Staff(Jinjiang, school);
        return (school, staff, await OpenLecture(staff, seats, minAge, maxAge, startsAt));
    }

    [Fact]
    public async Task Seats_are_confirmed_while_they_last_then_students_wait_in_order()
    {
        var (school, staff, id) = await OpenActivity(seats: 2);
        var children = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()).ToArray();

        var answers = new List<System.Text.Json.JsonElement>();
        foreach (var child in children)
        {
            using var parent = system.Parent(Jinjiang, school, child);
            var response = await parent.Post($"/api/activities/{id}/registrations", Child(child));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            Assert.Equal("\"1\"", response.ETag());
            answers.Add(await response.ReadJson());
        }

        Assert.Equal(["Confirmed", "Confirmed", "Waitlisted", "Waitlisted"], answers.Select(a => a.Str("status")));
        Assert.Equal(1, answers[2].GetProperty("waitlistPosition").GetInt32());
        Assert.Equal(2, answers[3].GetProperty("waitlistPosition").GetInt32());
        var details = await Details(staff, id);
        Assert.Equal(0, details.GetProperty("seatsLeft").GetInt32());
        Assert.Equal(2, details.GetProperty("waitlistLength").GetInt32());
    }

    [Fact]
    public async Task Registering_twice_gives_the_same_answer_and_no_second_seat()
    {
        var (school, staff, id) = await OpenActivity(seats: 5);
        var child = Guid.NewGuid();
        using var parent = system.Parent(Jinjiang, school, child);

        var first = await parent.Post($"/api/activities/{id}/registrations", Child(child));
        var second = await parent.Post($"/api/activities/{id}/registrations", Child(child));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal((await first.ReadJson()).ToString(), (await second.ReadJson()).ToString());
        Assert.Equal(4, (await Details(staff, id)).GetProperty("seatsLeft").GetInt32());
    }

    [Fact]
    public async Task A_cancelled_seat_goes_to_the_first_on_the_waitlist()
    {
        var (school, staff, id) = await OpenActivity(seats: 1);
        var (a, b, c) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        using var parentA = system.Parent(Jinjiang, school, a);
        using var parentB = system.Parent(Jinjiang, school, b);
        using var parentC = system.Parent(Jinjiang, school, c);
        var seat = await parentA.Post($"/api/activities/{id}/registrations", Child(a));
        await parentB.Post($"/api/activities/{id}/registrations", Child(b));
        await parentC.Post($"/api/activities/{id}/registrations", Child(c));

        Assert.Equal((HttpStatusCode)428, (await parentA.Post($"/api/activities/{id}/registrations/{a}/cancel", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await parentA.Post($"/api/activities/{id}/registrations/{a}/cancel", new { }, "\"9\"")).StatusCode);
        var cancelled = await parentA.Post($"/api/activities/{id}/registrations/{a}/cancel", new { }, seat.ETag());
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal("Cancelled", (await cancelled.ReadJson()).Str("status"));

        var read = await parentB.GetAsync($"/api/activities/{id}/registrations/{b}");
        Assert.Equal("\"2\"", read.ETag());
        var promoted = await read.ReadJson();
        Assert.Equal("Confirmed", promoted.Str("status"));
        using (var conditional = new HttpRequestMessage(HttpMethod.Get, $"/api/activities/{id}/registrations/{b}"))
        {
            conditional.Headers.TryAddWithoutValidation("If-None-Match", "\"2\"");
            Assert.Equal(HttpStatusCode.NotModified, (await parentB.SendAsync(conditional)).StatusCode);
        }
        var stillWaiting = await (await parentC.GetAsync($"/api/activities/{id}/registrations/{c}")).ReadJson();
        Assert.Equal("Waitlisted", stillWaiting.Str("status"));
        Assert.Equal(1, stillWaiting.GetProperty("waitlistPosition").GetInt32());
        var details = await Details(staff, id);
        Assert.Equal(0, details.GetProperty("seatsLeft").GetInt32());
        Assert.Equal(1, details.GetProperty("waitlistLength").GetInt32());
    }

    [Fact]
    public async Task A_parent_registers_and_sees_only_their_own_children()
    {
        var (school, _, id) = await OpenActivity(seats: 5);
        var mine = Guid.NewGuid();
        var theirs = Guid.NewGuid();
        using var me = system.Parent(Jinjiang, school, mine);
        using var them = system.Parent(Jinjiang, school, theirs);
        await them.Post($"/api/activities/{id}/registrations", Child(theirs, name: "小红"));

        Assert.Equal(HttpStatusCode.Forbidden, (await me.Post($"/api/activities/{id}/registrations", Child(theirs))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await me.GetAsync($"/api/activities/{id}/registrations/{theirs}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await me.GetAsync($"/api/activities/students/{theirs}/registrations")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await me.GetAsync($"/api/activities/{id}/registrations")).StatusCode);

        await me.Post($"/api/activities/{id}/registrations", Child(mine, name: "小明"));
        var page = await (await me.GetAsync($"/api/activities/students/{mine}/registrations")).ReadJson();
        var item = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal("小明", item.Str("displayName"));
        Assert.Equal(id, item.GetProperty("activityId").GetGuid());
        Assert.NotNull(item.GetProperty("consentGivenBy").GetString());
    }

    [Fact]
    public async Task A_parents_registration_takes_the_school_from_the_token_never_from_the_body()
    {
        var (school, staff, id) = await OpenActivity(seats: 5);
        var far = await system.School(Qingyang, "青羊区某校");
        var child = Guid.NewGuid();

        // Another county's school in the body is refused, and nothing lands there.
        using var parent = system.Parent(Jinjiang, school, child);
        await AssertProblem(await parent.Post($"/api/activities/{id}/registrations", Child(child, school: far)), HttpStatusCode.Forbidden);
        using var farStaff = system.Staff(Qingyang, far);
        Assert.Equal(0, (await (await farStaff.GetAsync($"/api/activities/students/{child}/registrations")).ReadJson()).GetProperty("total").GetInt32());
        Assert.Equal(0, (await (await staff.GetAsync($"/api/activities/{id}/registrations")).ReadJson()).GetProperty("total").GetInt32());

        // A token without the child's school registers nobody; one whose school lies outside its region is refused outright.
        using var noSchool = system.Client(new TokenRequest(Role.Parent, Jinjiang, Subject: $"p-{Guid.NewGuid():N}", Children: [child]));
        await AssertProblem(await noSchool.Post($"/api/activities/{id}/registrations", Child(child)), HttpStatusCode.Forbidden);
        using var farToken = system.Client(new TokenRequest(Role.Parent, Jinjiang, far, Subject: $"p-{Guid.NewGuid():N}", Children: [child]));
        Assert.Equal(HttpStatusCode.Unauthorized, (await farToken.Post($"/api/activities/{id}/registrations", Child(child))).StatusCode);

        // Without a school in the body, the registration is the token's school's: its staff see it, the far school's do not.
        Assert.Equal(HttpStatusCode.Created, (await parent.Post($"/api/activities/{id}/registrations", Child(child))).StatusCode);
        var seen = await (await staff.GetAsync($"/api/activities/{id}/registrations/{child}")).ReadJson();
        Assert.Equal(school, seen.GetProperty("schoolId").GetGuid());
        Assert.Equal(0, (await (await farStaff.GetAsync($"/api/activities/students/{child}/registrations")).ReadJson()).GetProperty("total").GetInt32());
        using var teacher = system.Staff(Jinjiang, school, Role.Teacher);
        Assert.Equal(1, (await (await teacher.GetAsync($"/api/activities/students/{child}/registrations")).ReadJson()).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Registering_for_a_closed_or_cancelled_activity_is_a_409_and_appends_nothing()
    {
        var (school, staff, closed) = await OpenActivity(seats: 5);
        await staff.Post($"/api/activities/{closed}/close", new { }, "\"2\"");
        var cancelled = await OpenLecture(staff);
        await staff.Post($"/api/activities/{cancelled}/cancel", new { reason = "天气 / Weather" }, "\"2\"");
        var child = Guid.NewGuid();
        using var parent = system.Parent(Jinjiang, school, child);

        await AssertProblem(await parent.Post($"/api/activities/{closed}/registrations", Child(child)), HttpStatusCode.Conflict, "registration-not-open");
        await AssertProblem(await parent.Post($"/api/activities/{cancelled}/registrations", Child(child)), HttpStatusCode.Conflict, "registration-not-open");
        Assert.Equal(5, (await Details(staff, closed)).GetProperty("seatsLeft").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await parent.GetAsync($"/api/activities/{closed}/registrations/{child}")).StatusCode);
    }

    [Fact]
    public async Task Outside_the_age_range_or_under_14_without_consent_is_a_409_and_appends_nothing()
    {
        var (school, staff, id) = await OpenActivity(seats: 5, minAge: 10, maxAge: 15);
        var (young, old, noConsent, ok) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        using var parent = system.Parent(Jinjiang, school, young, old, noConsent, ok);

        await AssertProblem(await parent.Post($"/api/activities/{id}/registrations", Child(young, age: 8)), HttpStatusCode.Conflict, "outside-age-range");
        await AssertProblem(await parent.Post($"/api/activities/{id}/registrations", Child(old, age: 17)), HttpStatusCode.Conflict, "outside-age-range");
        await AssertProblem(await parent.Post($"/api/activities/{id}/registrations", Child(noConsent, age: 12, consent: false)), HttpStatusCode.Conflict, "guardian-consent-required");
        Assert.Equal(5, (await Details(staff, id)).GetProperty("seatsLeft").GetInt32());
        // At 14 no consent is needed.
        Assert.Equal(HttpStatusCode.Created, (await parent.Post($"/api/activities/{id}/registrations", Child(ok, age: 14, consent: false))).StatusCode);
    }

    [Theory]
    [InlineData("studentId")]
    [InlineData("displayName")]
    [InlineData("birthDate")]
    public async Task Missing_student_fields_are_a_400_naming_the_field(string field)
    {
        var (school, _, id) = await OpenActivity(seats: 5);
        var child = Guid.NewGuid();
        using var parent = system.Parent(Jinjiang, school, child);
        object body = field switch
        {
            "studentId" => new { displayName = "小明", birthDate = "2014-01-01" },
            "displayName" => new { studentId = child, birthDate = "2014-01-01" },
            _ => (object)new { studentId = child, displayName = "小明" },
        };
        await AssertProblem(await parent.Post($"/api/activities/{id}/registrations", body), HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task The_organiser_checks_in_and_records_attendance_on_the_day()
    {
        var start = system.Clock.GetUtcNow().AddDays(2);
        var (school, staff, id) = await OpenActivity(seats: 3, startsAt: start);
        using var teacher = system.Staff(Jinjiang, school, Role.Teacher);
        var child = Guid.NewGuid();
        var registered = await teacher.Post($"/api/activities/{id}/registrations", Child(child));
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);

        await AssertProblem(await teacher.Post($"/api/activities/{id}/registrations/{child}/check-in", new { }, registered.ETag()),
            HttpStatusCode.Conflict, "not-the-day");
        system.Clock.Advance(TimeSpan.FromDays(2).Add(TimeSpan.FromMinutes(5)));

        var checkedIn = await teacher.Post($"/api/activities/{id}/registrations/{child}/check-in", new { }, registered.ETag());
        Assert.Equal(HttpStatusCode.OK, checkedIn.StatusCode);
        Assert.Equal("\"2\"", checkedIn.ETag());
        var attended = await teacher.Post($"/api/activities/{id}/registrations/{child}/attendance", new { attended = true }, checkedIn.ETag());
        Assert.Equal(HttpStatusCode.OK, attended.StatusCode);
        var registration = await (await teacher.GetAsync($"/api/activities/{id}/registrations/{child}")).ReadJson();
        Assert.True(registration.GetProperty("attended").GetBoolean());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, registration.GetProperty("checkedInAt").ValueKind);
        var details = await Details(staff, id);
        Assert.Equal(1, details.GetProperty("checkedIn").GetInt32());
        Assert.Equal(1, details.GetProperty("attended").GetInt32());
        var roster = await (await staff.GetAsync($"/api/activities/{id}/registrations")).ReadJson();
        Assert.Equal(1, roster.GetProperty("total").GetInt32());
    }
}
