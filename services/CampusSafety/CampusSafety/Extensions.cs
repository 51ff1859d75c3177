using JiaoLianTi.Platform.Identity;
using JasperFx.Events.Projections;
using JiaoLianTi.CampusSafety.Bullying;
using JiaoLianTi.CampusSafety.Drills;
using JiaoLianTi.CampusSafety.GuardPosts;
using JiaoLianTi.CampusSafety.Hazards;
using JiaoLianTi.CampusSafety.Integration;
using JiaoLianTi.CampusSafety.LegalVicePrincipals;
using JiaoLianTi.CampusSafety.SafetyPlans;
using JiaoLianTi.CampusSafety.TrafficPlans;
using JiaoLianTi.Platform;
using JiaoLianTi.Platform.AlliancesReplica;
using JiaoLianTi.Platform.PersonalData;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Messaging;
using JiaoLianTi.Platform.Scheduling;

namespace JiaoLianTi.CampusSafety;

public static class CampusSafetyService
{
    public const string Name = "campussafety";
    public const string Database = "campussafetydb";

    public static IHostApplicationBuilder AddCampusSafety(this IHostApplicationBuilder builder)
    {
        builder.AddServiceApi();
        builder.Services.AddSchoolInRegionCheck<JiaoLianTi.Platform.AlliancesReplica.ReplicaSchoolCounty>();
        builder.AddPersonalDataVault();
        builder.Services.AddChildErasureHook<ErasePartyCases>();
        builder.AddEventStore(Database, options =>
            {
                // Each stream's own view, inline: read-your-writes for the endpoint that just wrote.
                options.Projections.Snapshot<SurroundingsReport>(SnapshotLifecycle.Inline);
                options.Projections.Snapshot<GuardPost>(SnapshotLifecycle.Inline);
                options.Projections.Snapshot<BullyingCase>(SnapshotLifecycle.Inline);
                options.Projections.Snapshot<EmergencyDrill>(SnapshotLifecycle.Inline);
                options.Projections.Snapshot<SafetyPlan>(SnapshotLifecycle.Inline);
                options.Projections.Snapshot<TrafficPlan>(SnapshotLifecycle.Inline);
                options.Projections.Snapshot<LegalVicePrincipal>(SnapshotLifecycle.Inline);
                options.Schema.For<LegalVicePrincipal>().Index(a => a.SchoolId).Index(a => a.CountyCode).Index(a => a.UnitId);
                options.Schema.For<BullyingCase>().Index(c => c.SchoolId).Index(c => c.ReceiptHash).Index(c => c.ReportedBy!);
                // Case narratives are sealed with keys from the personal-data vault (docs/design.md 17).
                options.AddPersonalDataVault();
                options.Schema.For<EmergencyDrill>().Index(d => d.SchoolId);
                options.Schema.For<SurroundingsReport>().Index(r => r.UnitId).Index(r => r.SchoolId).Index(r => r.DueAt)
                    .Index(r => r.ReportedAt); // the reports list, newest first: its page read through the index
                options.Schema.For<GuardPost>().Index(p => p.SchoolId).Index(p => p.NextOpenShiftStartsAt);
                options.Schema.For<HazardPhoto>().Index(p => p.ReportId);
                // Who serves which school: CampusSafety's replica of Alliances' facts.
                options.AddAlliancesReplica();
            })
            .PublishIntegrationEvents(new CampusSafetyEventsMap());
        builder.AddMessaging(Name, bus =>
        {
            bus.AddAlliancesReplica();
            bus.AddChildErasure();
            bus.AddConsumer<SafetyPlanRequestedConsumer>();
        });
        builder.AddPeriodicCheck<HazardOverdueCheck>(TimeSpan.FromMinutes(5),
            "隐患超过处置时限报县级督办（每轮一次） / escalates a hazard past its SLA to the county, once per round");
        builder.AddPeriodicCheck<GuardShiftMissedCheck>(TimeSpan.FromMinutes(1),
            "护学岗超过宽限时间无人签到记为缺岗 / marks a guard shift missed when nobody checked in within the grace period");
        builder.AddPeriodicCheck<LegalVicePrincipalTermCheck>(TimeSpan.FromHours(1),
            "法治副校长任期届满未续聘则结束聘任 / ends a legal vice-principal's appointment whose term ran out unrenewed");
        return builder;
    }

    /// <summary>The service's endpoints, under <c>/api/campussafety</c>.</summary>
    public static WebApplication MapCampusSafetyApi(this WebApplication app)
    {
        app.MapHazardEndpoints();
        app.MapGuardPostEndpoints();
        app.MapBullyingCaseEndpoints();
        app.MapDrillEndpoints();
        app.MapSafetyPlanEndpoints();
        app.MapTrafficPlanEndpoints();
        app.MapLegalVicePrincipalEndpoints();
        return app;
    }
}
