using System.Net;
using JiaoLianTi.Platform.Identity;
using Xunit;
using static JiaoLianTi.Activities.Tests.Api.Drive;

namespace JiaoLianTi.Activities.Tests.Api;

/// <summary>体教互融: classes log their daily minutes; the share reaching two hours, per school and county.</summary>
[Collection(SystemCollection.Name)]
public sealed class PhysicalActivityTests(ActivitiesSystem system)
{
    [Fact]
    public async Task The_share_of_classes_reaching_two_hours_is_reported_per_school_and_county()
    {
        const string county = "510107"; // 武侯区: this test's own county
        var first = await system.School(county, "武侯实验小学");
        var second = await system.School(county, "武侯中学");
        using var a = system.Staff(county, first, Role.Teacher);
        using var b = system.Staff(county, second, Role.Teacher);
        var day = DateOnly.FromDateTime(system.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime).AddDays(-1);
        var path = (string cls) => $"/api/activities/physical-activity/classes/{Uri.EscapeDataString(cls)}/days/{day:yyyy-MM-dd}";

        var logged = await a.Put(path("一年级一班"), new { minutes = 100 });
        Assert.Equal(HttpStatusCode.Created, logged.StatusCode);
        Assert.Equal((HttpStatusCode)428, (await a.Put(path("一年级一班"), new { minutes = 130 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await a.Put(path("一年级一班"), new { minutes = 130 }, logged.ETag())).StatusCode);
        await a.Put(path("一年级二班"), new { minutes = 90 });
        await b.Put(path("初一(1)班"), new { minutes = 125 });
        await b.Put(path("初一(2)班"), new { minutes = 121 });

        await AssertProblem(await a.Put(path("一年级三班"), new { minutes = 2000 }), HttpStatusCode.BadRequest, "minutes");
        var future = $"/api/activities/physical-activity/classes/x/days/{day.AddDays(5):yyyy-MM-dd}";
        await AssertProblem(await a.Put(future, new { minutes = 60 }), HttpStatusCode.Conflict, "date-in-future");

        using var admin = system.Client(Role.CountyAdmin, county);
        var report = await (await admin.GetAsync($"/api/activities/physical-activity?from={day:yyyy-MM-dd}&to={day:yyyy-MM-dd}")).ReadJson();
        Assert.Equal(4, report.GetProperty("overall").GetProperty("classDays").GetInt32());
        Assert.Equal(3, report.GetProperty("overall").GetProperty("reached").GetInt32());
        Assert.Equal(0.75, report.GetProperty("overall").GetProperty("share").GetDouble());
        var schools = report.GetProperty("schools").EnumerateArray().ToDictionary(s => s.GetProperty("schoolId").GetGuid(), s => s.GetProperty("figures").GetProperty("share").GetDouble());
        Assert.Equal(0.5, schools[first]);
        Assert.Equal(1.0, schools[second]);

        var own = await (await a.GetAsync($"/api/activities/physical-activity?from={day:yyyy-MM-dd}")).ReadJson();
        Assert.Single(own.GetProperty("schools").EnumerateArray());
        using var parent = system.Parent(county, first, Guid.NewGuid());
        Assert.Equal(HttpStatusCode.Forbidden, (await parent.GetAsync("/api/activities/physical-activity")).StatusCode);
    }
}
