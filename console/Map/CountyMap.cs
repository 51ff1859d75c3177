using JiaoLianTi.Console.Auth;

namespace JiaoLianTi.Console.Map;

/// <summary>
/// The county map's geometry. In production it comes from the province's approved standard map (地图审核: a map
/// shown to the public must be a reviewed one), configured as <c>Console:Map:GeoJson</c> (a file path), its features
/// carrying the division code in <c>Console:Map:CodeProperty</c> (default <c>adcode</c>). In Development, without that
/// setting, the demo geometry built by <c>scripts/console-assets.sh</c> is used (wwwroot/maps, not committed).
/// </summary>
public sealed class CountyMap(IConfiguration configuration, IWebHostEnvironment environment)
{
    public string CodeProperty => configuration["Console:Map:CodeProperty"] ?? "adcode";

    public string? GeoJsonPath
    {
        get
        {
            if (configuration["Console:Map:GeoJson"] is { Length: > 0 } configured)
            {
                return Path.IsPathRooted(configured) ? configured : Path.Combine(environment.ContentRootPath, configured);
            }
            var demo = environment.WebRootFileProvider.GetFileInfo("maps/sichuan-counties.json");
            return environment.IsDevelopment() && demo.Exists ? demo.PhysicalPath : null;
        }
    }

    public bool Available => GeoJsonPath is { } path && File.Exists(path);
}

public static class CountyMapEndpoints
{
    public static void MapCountyMap(this WebApplication app) =>
        app.MapGet("/map/counties.json", (CountyMap map) =>
            map.Available
                ? Results.File(map.GeoJsonPath!, "application/json")
                : Results.Problem(statusCode: 404, title: "未配置地图 / No map is configured",
                    detail: "Set Console:Map:GeoJson to the province's approved standard map (docs/console.md).")).RequireAuthorization();

    /// <summary>Downloads that carry the token: the browser asks the console, the console asks the gateway.</summary>
    public static void MapExports(this WebApplication app) =>
        app.MapGet("/export/coverage.csv", async (HttpContext http, string? region, string? asOf, Api.GatewayClient gateway, ConsoleUser user) =>
        {
            user.Use(http.User);
            var query = $"api/alliances/coverage/csv?region={Uri.EscapeDataString(region ?? "")}&asOf={Uri.EscapeDataString(asOf ?? "")}";
            using var answer = await gateway.RawAsync(query, http.RequestAborted);
            http.Response.StatusCode = (int)answer.StatusCode;
            http.Response.ContentType = answer.Content.Headers.ContentType?.ToString() ?? "text/csv; charset=utf-8";
            if (answer.Content.Headers.ContentDisposition is { } disposition)
            {
                http.Response.Headers.ContentDisposition = disposition.ToString();
            }
            await answer.Content.CopyToAsync(http.Response.Body, http.RequestAborted);
        }).RequireAuthorization();
}
