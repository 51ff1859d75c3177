using JiaoLianTi.Platform;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Messaging;

namespace JiaoLianTi.Wellbeing;

public static class WellbeingService
{
    public const string Name = "wellbeing";
    public const string Database = "wellbeingdb";

    public static IHostApplicationBuilder AddWellbeing(this IHostApplicationBuilder builder)
    {
        builder.AddServiceApi();
        builder.AddEventStore(Database, _ => { });
        builder.AddMessaging(Name);
        return builder;
    }

    /// <summary>The service's endpoints, under <c>/api/wellbeing</c>. Its domain arrives with its own issue.</summary>
    public static WebApplication MapWellbeingApi(this WebApplication app) => app;
}
