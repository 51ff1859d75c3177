namespace JiaoLianTi.Gateway;

/// <summary>
/// 事件目录 The event catalogue (docs/events/asyncapi.json, AsyncAPI 3.0, generated from the five Contracts projects
/// and committed), served as built into the gateway at <c>GET /api/events/catalogue</c>. Anonymous, like the OpenAPI
/// documents: it describes contracts, not data, and a department's integrator reads it before asking for a
/// subscription (and an account).
/// </summary>
public static class EventCatalogueDocument
{
    public const string Path = "/api/events/catalogue";
    private const string Resource = "asyncapi.json";

    public static WebApplication MapEventCatalogue(this WebApplication app)
    {
        using var stream = typeof(EventCatalogueDocument).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException("The event catalogue (docs/events/asyncapi.json) is not built into the gateway.");
        using var reader = new StreamReader(stream);
        var document = reader.ReadToEnd();
        app.MapGet(Path, () => Results.Text(document, "application/json; charset=utf-8"))
            .AllowAnonymous()
            .WithSummary("事件目录（AsyncAPI 3.0）/ The event catalogue (AsyncAPI 3.0)");
        return app;
    }
}
