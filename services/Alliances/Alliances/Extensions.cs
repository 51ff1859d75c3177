using JiaoLianTi.Platform.Identity;
using JasperFx.Events.Projections;
using JiaoLianTi.Alliances.Alliances;
using JiaoLianTi.Alliances.Coverage;
using JiaoLianTi.Alliances.Integration;
using JiaoLianTi.Alliances.Meetings;
using JiaoLianTi.Alliances.Needs;
using JiaoLianTi.Alliances.Regions;
using JiaoLianTi.Alliances.Resources;
using JiaoLianTi.Alliances.Responsibilities;
using JiaoLianTi.Alliances.Units;
using JiaoLianTi.Platform;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Messaging;
using JiaoLianTi.Platform.Scheduling;

namespace JiaoLianTi.Alliances;

public static class AlliancesService
{
    public const string Name = "alliances";
    public const string Database = "alliancesdb";

    public static IHostApplicationBuilder AddAlliances(this IHostApplicationBuilder builder)
    {
        builder.AddServiceApi();
        builder.Services.AddSchoolInRegionCheck<JiaoLianTi.Alliances.Units.RegistrySchoolCounty>();
        builder.Services.AddSingleton(Divisions.Load());
        builder.Services.AddSingleton(_ => new CoverageSnapshots(builder.Configuration.GetConnectionString(Database)
            ?? throw new InvalidOperationException($"ConnectionStrings:{Database} is not set")));
        builder.AddEventStore(Database, options =>
            {
                // Each stream's own view, inline: read-your-writes for the API and the deciders.
                options.Projections.Snapshot<Alliance>(SnapshotLifecycle.Inline);
                options.Projections.Snapshot<MemberUnit>(SnapshotLifecycle.Inline);
                options.Projections.Snapshot<Resource>(SnapshotLifecycle.Inline);
                options.Projections.Snapshot<Need>(SnapshotLifecycle.Inline);
                options.Projections.Snapshot<Responsibility>(SnapshotLifecycle.Inline);
                options.Projections.Snapshot<ConsultationMeeting>(SnapshotLifecycle.Inline);
                options.Projections.Add(new MembershipProjection(), ProjectionLifecycle.Inline);

                // The filters lists and coverage use.
                // An alliance's document holds its members (a county's regional alliance has every unit of the county:
                // 120 in the province seed), so PostgreSQL keeps it compressed out of line (TOAST). Filtered on the
                // JSON, a list unpacked every alliance of the table to read its county: 2 ms of the database per list
                // of one county. A real column is read without unpacking anything.
                options.Schema.For<Alliance>().Duplicate(a => a.CountyCode);
                // Lists name the alliance of each item (Names): read from this column, not from the document.
                options.Schema.For<Alliance>().Duplicate(a => a.Name);
                // A region's units, a page at a time in the list's order (county, then name): one index on the pair,
                // so that a county's page reads only its own rows, in order (UnitsApi counts apart). With an index on the
                // county alone, every page read and sorted all the county's units (a county of about 80,000 units:
                // 93 ms of the database a page, now 20-29 ms, nearly all of it the count).
                options.Schema.For<MemberUnit>().Index([u => u.CountyCode, u => u.Name]);
                // Coverage counts memberships by county, kind and dates in SQL: real columns, not JSON (CoverageFigures).
                options.Schema.For<Membership>()
                    .Duplicate(m => m.CountyCode).Duplicate(m => m.UnitKind).Duplicate(m => m.UnitId)
                    .Duplicate(m => m.JoinedAt).Duplicate(m => m.LeftAt!)
                    .Index(m => m.AllianceId);
                options.Schema.For<Resource>().Index(r => r.CountyCode);
                options.Schema.For<Need>().Index(n => n.CountyCode).Index(n => n.MatchedUnitId!);
                options.Schema.For<Responsibility>().Index(r => r.CountyCode).Index(r => r.UnitId).Index(r => r.Deadline);
            })
            .PublishIntegrationEvents(new AllianceEventsMap());
        builder.AddMessaging(Name);
        builder.AddPeriodicCheck<OverdueCheck>(TimeSpan.FromMinutes(5),
            "逾期未办的责任标记为逾期并报县级督办 / marks responsibilities past their deadline overdue and escalates them to the county");
        builder.Services.Configure<ResponsibilityOptions>(builder.Configuration.GetSection("Alliances:Responsibilities"));
        builder.AddPeriodicCheck<DeadlineReminderCheck>(TimeSpan.FromHours(1),
            "截止前 N 天提醒责任单位（待办中的提醒）/ reminds a unit N days before a responsibility's deadline (an alert in its inbox)");
        return builder;
    }

    public static WebApplication MapAlliancesApi(this WebApplication app)
    {
        app.MapAllianceEndpoints();
        app.MapUnitEndpoints();
        app.MapResourceEndpoints();
        app.MapNeedEndpoints();
        app.MapResponsibilityEndpoints();
        app.MapImportEndpoints();
        app.MapMeetingEndpoints();
        app.MapCoverageEndpoints();
        app.MapInboxEndpoints();
        return app;
    }
}
