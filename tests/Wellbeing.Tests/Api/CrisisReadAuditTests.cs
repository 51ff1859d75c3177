using System.Net;
using JiaoLianTi.Platform.Identity;
using Xunit;

namespace JiaoLianTi.Wellbeing.Tests.Api;

/// <summary>A crisis chain is a record of a minor: its reads, in a list or one by one, and refused attempts are in the
/// access log like every other (issue 17).</summary>
[Collection(SystemCollection.Name)]
public sealed class CrisisReadAuditTests(WellbeingSystem system)
{
    [Fact]
    public async Task Reads_of_a_crisis_chain_and_a_refused_attempt_are_in_the_access_log()
    {
        var school = await system.SchoolAsync();
        using var admin = system.Admin(school);
        var (id, etag) = await admin.RecordChild(school, counsellor: $"c-{Guid.NewGuid():N}");
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"/api/wellbeing/children/{id}/screenings", new { score = 25, takenOn = system.Today }, etag)).StatusCode);
        var log = $"/api/wellbeing/access-log?studentId={id}";
        Assert.Equal(0, (await (await admin.GetAsync(log)).ReadJson()).GetProperty("total").GetInt32());

        var crisisId = Assert.Single((await (await admin.GetAsync("/api/wellbeing/crises")).ReadJson()).GetProperty("items").EnumerateArray())
            .GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/wellbeing/crises/{crisisId}?purpose=Supervision")).StatusCode);
        using var otherParent = system.Client(new TokenRequest(Role.Parent, school.County, Children: [Guid.NewGuid()], Subject: $"p-{Guid.NewGuid():N}"));
        Assert.Equal(HttpStatusCode.NotFound, (await otherParent.GetAsync($"/api/wellbeing/crises/{crisisId}")).StatusCode);
        // An unknown purpose is refused before anything is read or recorded.
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync($"/api/wellbeing/crises/{crisisId}?purpose=99")).StatusCode);

        var reads = (await (await admin.GetAsync($"{log}&refused=false")).ReadJson()).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, reads.Count);
        Assert.All(reads, r => Assert.Equal(("Crisis", crisisId), (r.GetProperty("resource").GetString(), r.GetProperty("resourceId").GetGuid())));
        Assert.Equal(["Crisis", "Supervision"], reads.Select(r => r.GetProperty("purpose").GetString()).Order());
        var attempt = Assert.Single((await (await admin.GetAsync($"{log}&refused=true")).ReadJson()).GetProperty("items").EnumerateArray());
        Assert.Equal(("Parent", "Crisis", true), (attempt.GetProperty("readerRole").GetString(), attempt.GetProperty("resource").GetString(),
            attempt.GetProperty("refused").GetBoolean()));
    }
}
