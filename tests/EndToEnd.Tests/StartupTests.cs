using System.Net;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Xunit;

namespace JiaoLianTi.EndToEnd.Tests;

/// <summary>
/// No service compiles code when it starts or serves (issue 19): Marten 9 writes no C# at run time (it has no
/// compiler among its dependencies), and nothing else brings one. Checked on the services' dependency lists and on
/// this process, where every service has started and served requests.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class StartupTests(EndToEndSystem system)
{
    [Fact]
    public async Task No_service_carries_or_loads_a_compiler()
    {
        using var admin = system.Client(Role.ProvinceAdmin, "51");
        foreach (var service in TestSystem.ServiceNames)
        {
            Assert.NotEqual(HttpStatusCode.InternalServerError, (await admin.GetAsync($"/api/{service}/openapi/v1.json")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/alliances/coverage?region=51")).StatusCode);

        foreach (var name in new[] { "Alliances", "Activities", "ParentSchool", "CampusSafety", "Wellbeing", "Gateway" })
        {
            var deps = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, $"{name}.deps.json"));
            Assert.DoesNotContain("Microsoft.CodeAnalysis", deps, StringComparison.Ordinal);
        }
        Assert.DoesNotContain(AppDomain.CurrentDomain.GetAssemblies(),
            a => a.GetName().Name?.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) == true);
    }
}
