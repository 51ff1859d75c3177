using JiaoLianTi.Activities.Alliances;
using JiaoLianTi.Activities.Integration;
using JiaoLianTi.Platform;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Messaging;

namespace JiaoLianTi.Activities;

public static class ActivitiesService
{
    public const string Name = "activities";
    public const string Database = "activitiesdb";

    public static IHostApplicationBuilder AddActivities(this IHostApplicationBuilder builder)
    {
        builder.AddServiceApi();
        builder.AddEventStore(Database, options =>
        {
            options.Schema.For<KnownAlliance>().Index(a => a.CountyCode);
        });
        builder.AddMessaging(Name, bus =>
        {
            bus.AddConsumer<AllianceEstablishedConsumer>();
        });
        return builder;
    }

    public static WebApplication MapActivitiesApi(this WebApplication app)
    {
        app.MapKnownAllianceEndpoints();
        return app;
    }
}
