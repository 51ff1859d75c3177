using JiaoLianTi.Platform.Identity;
using JasperFx.Events.Projections;
using JiaoLianTi.Platform;
using JiaoLianTi.Platform.AlliancesReplica;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Messaging;
using JiaoLianTi.Platform.PersonalData;
using JiaoLianTi.Platform.Scheduling;
using JiaoLianTi.Wellbeing.Alerts;
using JiaoLianTi.Wellbeing.Children;
using JiaoLianTi.Wellbeing.Crisis;
using JiaoLianTi.Wellbeing.Erasure;
using JiaoLianTi.Wellbeing.HealthScreening;
using JiaoLianTi.Wellbeing.Integration;
using JiaoLianTi.Wellbeing.Protection;
using JiaoLianTi.Wellbeing.Referrals;
using JiaoLianTi.Wellbeing.Retention;
using JiaoLianTi.Wellbeing.Screening;
using JiaoLianTi.Wellbeing.SupportPlans;
using Marten;

namespace JiaoLianTi.Wellbeing;

public static class WellbeingService
{
    public const string Name = "wellbeing";
    public const string Database = "wellbeingdb";

    public static IHostApplicationBuilder AddWellbeing(this IHostApplicationBuilder builder)
    {
        builder.AddServiceApi();
        builder.Services.AddSchoolInRegionCheck<JiaoLianTi.Platform.AlliancesReplica.ReplicaSchoolCounty>();
        builder.Services.Configure<WellbeingOptions>(builder.Configuration.GetSection("Wellbeing"));
        builder.AddPersonalDataVault();
        builder.Services.AddChildErasureHook<CloseErasedChildRecord>();
        builder.Services.AddScoped(sp => new ChildReactions(sp.GetRequiredService<IDocumentSession>(),
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<WellbeingOptions>>().Value));
        builder.AddEventStore(Database, options =>
            {
                // Each stream's own view, inline (read-your-writes); all hold ciphertext only.
                options.Projections.Snapshot<Child>(SnapshotLifecycle.Inline);
                options.Projections.Snapshot<SupportPlan>(SnapshotLifecycle.Inline);
                options.Projections.Snapshot<Referral>(SnapshotLifecycle.Inline);
                options.Projections.Snapshot<CrisisEscalation>(SnapshotLifecycle.Inline);
                options.Projections.Snapshot<ScreeningRound>(SnapshotLifecycle.Inline);
                options.Projections.Snapshot<HealthRound>(SnapshotLifecycle.Inline);
                options.Projections.Snapshot<HealthResult>(SnapshotLifecycle.Inline);
                options.Schema.For<HealthRound>().Index(r => r.CountyCode);
                options.Schema.For<HealthResult>().Index(r => r.StudentId).Index(r => r.RoundId);
                options.Projections.Add(new AlertProjection(), ProjectionLifecycle.Inline);
                options.AddPersonalDataVault();
                options.Schema.For<Child>().Index(c => c.SchoolId);
                // Which hospitals and committees serve which school: Wellbeing's replica of Alliances' facts.
                options.AddAlliancesReplica();
                options.Schema.For<Alert>().Index(a => a.SchoolId);
                options.Schema.For<ReadLogEntry>().Index(r => r.StudentId);
            })
            .PublishIntegrationEvents(new WellbeingEventsMap());
        builder.AddMessaging(Name, bus =>
        {
            bus.AddAlliancesReplica();
            bus.AddChildErasure();
            bus.AddConsumer<SupportRequestedConsumer>();
        });
        builder.AddPeriodicCheck<ReferralOverdueCheck>(TimeSpan.FromMinutes(5),
            "转介步骤超过时限报逾期（每步一次） / reports a referral step past its SLA as overdue, once per step");
        builder.AddPeriodicCheck<CrisisEscalationCheck>(TimeSpan.FromMinutes(1),
            "危机未按时确认则升级到下一级 / escalates a crisis past a level that did not acknowledge in time");
        builder.AddPeriodicCheck<FollowUpCheck>(TimeSpan.FromHours(1),
            "关爱类别回访逾期预警（每个到期日一次） / alerts a care category's follow-up past its due date, once per due date");
        builder.AddPeriodicCheck<RetentionCheck>(TimeSpan.FromHours(6),
            "超过保存期限的档案、帮扶档案、转介销毁密钥 / erases the keys of records, plans and referrals past their retention");
        return builder;
    }

    /// <summary>The service's endpoints, under <c>/api/wellbeing</c>.</summary>
    public static WebApplication MapWellbeingApi(this WebApplication app)
    {
        app.MapChildEndpoints();
        app.MapScreeningEndpoints();
        app.MapSupportPlanEndpoints();
        app.MapReferralEndpoints();
        app.MapCrisisEndpoints();
        app.MapAlertAndAuditEndpoints();
        app.MapCareFigureEndpoints();
        app.MapHealthScreeningEndpoints();
        app.MapHealthFigureEndpoints();
        app.MapChildErasureEndpoints();
        return app;
    }
}
