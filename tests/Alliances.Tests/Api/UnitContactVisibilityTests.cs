using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Xunit;

namespace JiaoLianTi.Alliances.Tests.Api;

/// <summary>
/// A unit's contact officer and phone are read only by those who work with it: the bureaus, the unit itself and its
/// fellow members of an alliance. A parent, a teacher of a school outside its alliances or a department officer of the
/// same county reads the unit without them.
/// </summary>
[Collection(AlliancesCollection.Name)]
public sealed class UnitContactVisibilityTests(AlliancesSystem system)
{
    [Fact]
    public async Task Only_those_who_work_with_a_unit_read_its_contact()
    {
        var w = await system.World();
        var outsider = await w.Admin.Unit(w.County, "School");
        var path = $"/api/alliances/units/{w.Police}";

        foreach (var reader in new[]
        {
            w.Admin, w.SchoolAdmin, w.Officer,
            system.Client(Role.Teacher, w.County, schoolId: w.School),
        })
        {
            var unit = await reader.GetAsync(path).Ok();
            Assert.Equal(("王老师", "028-86000000"), (unit.Str("contactOfficer"), unit.Str("contactPhone")));
        }
        foreach (var reader in new[]
        {
            system.Client(new TokenRequest(Role.Parent, w.County, Children: [Guid.NewGuid()], Subject: $"p-{Guid.NewGuid():N}")),
            system.Client(Role.SchoolAdmin, w.County, schoolId: outsider),
            system.Client(new TokenRequest(Role.DepartmentOfficer, w.County, Subject: $"d-{Guid.NewGuid():N}", Department: Department.Health)),
        })
        {
            var unit = await reader.GetAsync(path).Ok();
            Assert.Equal(w.Police, unit.Id());
            Assert.Equal(System.Text.Json.JsonValueKind.Null, unit.GetProperty("contactPhone").ValueKind);
            Assert.Equal(System.Text.Json.JsonValueKind.Null, unit.GetProperty("contactOfficer").ValueKind);
            var listed = await reader.GetAsync($"/api/alliances/units?county={w.County}&pageSize=500").Ok();
            // (The outsider school reads its own contact, and only its own.)
            Assert.All(listed.GetProperty("items").EnumerateArray().Where(u => u.Id() != outsider),
                u => Assert.Equal(System.Text.Json.JsonValueKind.Null, u.GetProperty("contactPhone").ValueKind));
        }

        // A unit that leaves the alliance no longer reads its former fellows' contacts.
        var etag = await w.Admin.Etag($"/api/alliances/{w.Alliance}");
        await w.Admin.Post($"/api/alliances/{w.Alliance}/members/{w.School}/leave", new { reason = "调整" }, etag).Ok();
        var after = await w.SchoolAdmin.GetAsync(path).Ok();
        Assert.Equal(System.Text.Json.JsonValueKind.Null, after.GetProperty("contactPhone").ValueKind);
    }
}
