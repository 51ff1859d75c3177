using System.Net.Http.Json;
using System.Text.Json;

namespace JiaoLianTi.Console.Auth;

/// <summary>
/// 演示学校 The demo school (Development only): the one school the demo seed works in (scripts/seed/lib.sh,
/// <c>DEMO_SCHOOL_NAME</c>, registered in 锦江区 by scripts/seed/15-demo-school.sh). The development sign-ins put the demo
/// families and the demo school's staff there, so that they see what the seed made: its activities, meetings, home
/// visits, hazards and care records. Read from the Alliances directory with a development token of the county.
/// </summary>
public static class DemoSchool
{
    public const string Name = "成都市锦江区护校安园示范小学";

    /// <summary>The county the demo seed works in (锦江区).</summary>
    public const string County = "510104";

    /// <summary>
    /// The demo school if the region's county has it; with <paramref name="orFirst"/>, else the county's first school
    /// in the directory. Null when there is none, or the gateway does not answer.
    /// </summary>
    public static async Task<Guid?> FindAsync(HttpClient gateway, string region, bool orFirst)
    {
        var county = region.Length >= 6 ? region[..6] : region;
        try
        {
            var answer = await gateway.PostAsJsonAsync("dev/token", new { role = "CountyAdmin", region = county, subject = "dev-demo-school" });
            if (!answer.IsSuccessStatusCode) return null;
            var token = (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
            return await FirstAsync(gateway, token, $"api/alliances/units?kind=School&county={county}&q={Uri.EscapeDataString(Name)}&pageSize=1")
                ?? (orFirst ? await FirstAsync(gateway, token, $"api/alliances/units?kind=School&county={county}&pageSize=1") : null);
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static async Task<Guid?> FirstAsync(HttpClient gateway, string token, string query)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, query);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var units = await gateway.SendAsync(request);
        if (!units.IsSuccessStatusCode) return null;
        var items = (await units.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items");
        return items.GetArrayLength() > 0 ? items[0].GetProperty("id").GetGuid() : null;
    }
}
