using System.Net;
using Xunit;

namespace JiaoLianTi.ParentSchool.Tests.Api;

[Collection(SystemCollection.Name)]
public sealed class LibraryApiTests(ParentSchoolSystem system)
{
    private const string Library = "/api/parentschool/library";

    private static object Item(string kind, string scope, string? region, string topic = "MentalHealth", string title = "读懂青春期 adolescence",
        int[]? grades = null, string? link = "https://video.example.cn/v/9", string? body = "正文 body") =>
        new { kind, title, topic, targetGrades = grades ?? [7, 8], scope, regionCode = region, summary = "摘要 summary", body, link };

    [Fact]
    public async Task Published_items_are_searchable_by_topic_grade_kind_and_scope_and_retired_ones_disappear_for_parents()
    {
        var place = ParentSchoolSystem.NewPlace();
        using var province = system.ProvinceAdmin(place);
        using var school = system.SchoolAdmin(place);
        var video = await province.Post(Library, Item("Video", "Province", place.Province)).Expect(HttpStatusCode.Created);
        var guide = await school.Post(Library, Item("Guide", "School", null, "Safety", "防溺水指南 drowning", grades: [], link: null))
            .Expect(HttpStatusCode.Created);
        var videoId = video.GetProperty("id").GetGuid();
        var guideId = guide.GetProperty("id").GetGuid();

        using var parent = system.Parent(place);
        Guid[] Ids(System.Text.Json.JsonElement page) => page.Items().Select(i => i.GetProperty("id").GetGuid()).ToArray();
        Assert.Contains(videoId, Ids(await parent.GetAsync($"{Library}?topic=MentalHealth&kind=Video&pageSize=500").Expect(HttpStatusCode.OK)));
        Assert.Equal([guideId], Ids(await parent.GetAsync($"{Library}?scope=School").Expect(HttpStatusCode.OK)));
        var grade3 = Ids(await parent.GetAsync($"{Library}?grade=3&pageSize=500").Expect(HttpStatusCode.OK));
        Assert.Contains(guideId, grade3); // no target grades: for every grade
        Assert.DoesNotContain(videoId, grade3);
        using var otherSchoolParent = system.Parent(place, school: Guid.NewGuid());
        await otherSchoolParent.GetAsync($"{Library}/{guideId}").ExpectProblem(HttpStatusCode.NotFound);

        var got = await parent.GetAsync($"{Library}/{videoId}");
        await province.Post($"{Library}/{videoId}/retire", null).ExpectProblem(HttpStatusCode.PreconditionRequired);
        await school.Post($"{Library}/{videoId}/retire", null, got.ETag()).ExpectProblem(HttpStatusCode.Forbidden);
        var retired = await province.Post($"{Library}/{videoId}/retire", null, got.ETag()).Expect(HttpStatusCode.OK);
        Assert.Equal("Retired", retired.GetProperty("status").GetString());
        await province.Post($"{Library}/{videoId}/retire", null, "\"2\"").ExpectProblem(HttpStatusCode.Conflict, code: "item-retired");
        await parent.GetAsync($"{Library}/{videoId}").ExpectProblem(HttpStatusCode.NotFound);
        Assert.DoesNotContain(videoId, Ids(await parent.GetAsync($"{Library}?pageSize=500").Expect(HttpStatusCode.OK)));
    }

    [Fact]
    public async Task Bad_items_are_400_naming_the_field_and_parents_publish_nothing()
    {
        var place = ParentSchoolSystem.NewPlace();
        using var county = system.CountyAdmin(place);
        await county.Post(Library, Item("Video", "County", place.County, title: "")).ExpectProblem(HttpStatusCode.BadRequest, "title");
        await county.Post(Library, Item("Video", "County", place.County, topic: "Gossip")).ExpectProblem(HttpStatusCode.BadRequest, "topic");
        await county.Post(Library, Item("Podcast", "County", place.County)).ExpectProblem(HttpStatusCode.BadRequest, "kind");
        await county.Post(Library, Item("Video", "County", place.County, link: null)).ExpectProblem(HttpStatusCode.BadRequest, "link");
        await system.Parent(place).Post(Library, Item("Article", "County", place.County)).ExpectProblem(HttpStatusCode.Forbidden);
        Assert.Equal(0, (await county.GetAsync($"{Library}?scope=County").Expect(HttpStatusCode.OK)).Items()
            .Count(i => i.GetProperty("regionCode").GetString() == place.County));
    }
}
