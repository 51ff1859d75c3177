using System.Net;
using JiaoLianTi.Alliances.Contracts;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Xunit;

namespace JiaoLianTi.ParentSchool.Tests.Api;

/// <summary>
/// ParentSchool keeps a replica of Alliances' facts: its meeting and home-visit lists name the school beside its id, and
/// a token whose school lies outside its region is refused (issue 17). The facts are published on the real broker, as
/// Alliances would.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class SchoolNameTests(ParentSchoolSystem system)
{
    private const string Meetings = "/api/parentschool/meetings";
    private const string Visits = "/api/parentschool/home-visits";

    [Fact]
    public async Task Lists_name_the_school_and_a_token_of_a_school_outside_its_region_is_refused()
    {
        var place = ParentSchoolSystem.NewPlace();
        await system.PublishAsync(new MemberUnitRegistered(place.School, MemberUnitKinds.School, "青华小学", place.County, DateTimeOffset.UtcNow));

        using var teacher = system.Teacher(place);
        await teacher.Post(Meetings, new { title = "家长会 meeting", location = "礼堂 hall", startsAt = DateTimeOffset.UtcNow.AddDays(1) })
            .Expect(HttpStatusCode.Created);
        await teacher.Post(Visits, new { studentId = Guid.NewGuid(), purpose = "家访 visit", plannedAt = DateTimeOffset.UtcNow.AddDays(1) })
            .Expect(HttpStatusCode.Created);

        // The replica learns the school from the broker: the lists name it once it has.
        var meetings = await Eventually.Until(
            async () => (await teacher.GetAsync(Meetings).Expect(HttpStatusCode.OK)).Items().Select(m => Name(m)).ToList(),
            names => names is ["青华小学"]);
        Assert.Equal(["青华小学"], meetings);
        Assert.Equal(["青华小学"], (await teacher.GetAsync(Visits).Expect(HttpStatusCode.OK)).Items().Select(v => Name(v)));
        Assert.Equal(["青华小学"], (await system.CountyAdmin(place).GetAsync($"{Meetings}?schoolId={place.School}").Expect(HttpStatusCode.OK))
            .Items().Select(m => Name(m)));

        // The school lies in place.County: a school admin's token naming it with another county is refused as the token is read.
        var elsewhere = ParentSchoolSystem.NewPlace();
        using var misplaced = system.Client(new TokenRequest(Role.SchoolAdmin, elsewhere.County, place.School, null));
        Assert.Equal(HttpStatusCode.Unauthorized, (await misplaced.GetAsync(Meetings)).StatusCode);
        using var inPlace = system.Client(new TokenRequest(Role.SchoolAdmin, place.County, place.School, null));
        Assert.Equal(HttpStatusCode.OK, (await inPlace.GetAsync(Meetings)).StatusCode);
    }

    private static string? Name(System.Text.Json.JsonElement item) =>
        item.TryGetProperty("schoolName", out var name) ? name.GetString() : null;
}
