using JiaoLianTi.Platform;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Messaging;

namespace JiaoLianTi.CampusSafety;

public static class CampusSafetyService
{
    public const string Name = "campussafety";
    public const string Database = "campussafetydb";

    public static IHostApplicationBuilder AddCampusSafety(this IHostApplicationBuilder builder)
    {
        builder.AddServiceApi();
        builder.AddEventStore(Database, _ => { });
        builder.AddMessaging(Name);
        return builder;
    }

    /// <summary>The service's endpoints, under <c>/api/campussafety</c>. Its domain arrives with its own issue.</summary>
    public static WebApplication MapCampusSafetyApi(this WebApplication app) => app;
}
