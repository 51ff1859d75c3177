using JasperFx.Events.Projections;
using JiaoLianTi.Alliances.Alliances;
using JiaoLianTi.Alliances.Integration;
using JiaoLianTi.Alliances.Regions;
using JiaoLianTi.Platform;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Messaging;

namespace JiaoLianTi.Alliances;

public static class AlliancesService
{
    public const string Name = "alliances";
    public const string Database = "alliancesdb";

    public static IHostApplicationBuilder AddAlliances(this IHostApplicationBuilder builder)
    {
        builder.AddServiceApi();
        builder.Services.AddSingleton(Divisions.Load());
        builder.AddEventStore(Database, options =>
            {
                options.Projections.Snapshot<Alliance>(SnapshotLifecycle.Inline);
            })
            .PublishIntegrationEvents(new AllianceEventsMap());
        builder.AddMessaging(Name);
        return builder;
    }

    public static WebApplication MapAlliancesApi(this WebApplication app)
    {
        app.MapAllianceEndpoints();
        return app;
    }
}
