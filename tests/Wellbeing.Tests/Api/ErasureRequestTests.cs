using System.Net;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Platform.PersonalData;
using JiaoLianTi.TestKit;
using JiaoLianTi.Wellbeing.Children;
using JiaoLianTi.Wellbeing.Erasure;
using Marten;
using Xunit;

namespace JiaoLianTi.Wellbeing.Tests.Api;

/// <summary>
/// 删除请求: who may ask Wellbeing to erase a child's personal data in every service, and what Wellbeing itself does
/// when the request comes back to it over the broker (docs/design.md 17).
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class ErasureRequestTests(WellbeingSystem system)
{
    private async Task<int> Requests(Guid studentId)
    {
        await using var q = system.Store.QuerySession();
        return await q.Events.QueryRawEventDataOnly<ChildErasureAsked>().CountAsync(e => e.StudentId == studentId);
    }

    [Fact]
    public async Task A_request_without_a_student_is_a_400_naming_it_and_records_nothing()
    {
        var school = await system.SchoolAsync();
        using var admin = system.Admin(school);
        var response = await admin.Post("/api/wellbeing/erasure-requests", new { });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadJson()).GetProperty("errors").TryGetProperty("studentId", out _));
    }

    [Fact]
    public async Task Only_the_childs_guardian_or_an_admin_of_the_childs_school_may_ask()
    {
        var school = await system.SchoolAsync();
        var other = await system.SchoolAsync();
        using var admin = system.Admin(school);
        var (child, _) = await admin.RecordChild(school);

        using var otherAdmin = system.Admin(other);
        using var teacher = system.Client(new TokenRequest(Role.Teacher, school.County, school.Id, Subject: $"t-{Guid.NewGuid():N}"));
        using var stranger = system.Client(new TokenRequest(Role.Parent, school.County, Subject: $"p-{Guid.NewGuid():N}", Children: [Guid.NewGuid()]));
        foreach (var refused in new[] { otherAdmin, teacher, stranger })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await refused.Post("/api/wellbeing/erasure-requests", new { studentId = child })).StatusCode);
        }
        Assert.Equal(0, await Requests(child));

        var asked = await admin.Post("/api/wellbeing/erasure-requests", new { studentId = child });
        Assert.Equal(HttpStatusCode.Accepted, asked.StatusCode);
        Assert.Equal(child, (await asked.ReadJson()).GetProperty("studentId").GetGuid());
        Assert.Equal(1, await Requests(child));

        // The request comes back over the broker: the child's keys are destroyed and the record says it was erased.
        var erased = await Eventually.Until(async () =>
        {
            await using var q = system.Store.QuerySession();
            return (await q.LoadAsync<Child>(child), await q.Query<PersonKey>().CountAsync(k => k.PersonId == child));
        }, x => x.Item1?.Erased == true && x.Item2 == 0);
        Assert.True(erased.Item1!.Erased);
        Assert.Equal(ErasureReason.ErasureRequested, erased.Item1.ErasedFor);
        Assert.Equal(0, erased.Item2);
        var read = await (await admin.GetAsync($"/api/wellbeing/children/{child}?purpose=Care")).ReadJson();
        Assert.Equal(System.Text.Json.JsonValueKind.Null, read.GetProperty("details").ValueKind);
    }

    [Fact]
    public async Task A_guardian_may_ask_for_a_child_wellbeing_has_no_record_of()
    {
        var school = await system.SchoolAsync();
        var child = Guid.NewGuid();
        using var guardian = system.Client(new TokenRequest(Role.Parent, school.County, Subject: $"p-{Guid.NewGuid():N}", Children: [child]));
        Assert.Equal(HttpStatusCode.Accepted, (await guardian.Post("/api/wellbeing/erasure-requests", new { studentId = child })).StatusCode);
        Assert.Equal(1, await Requests(child));
    }
}
