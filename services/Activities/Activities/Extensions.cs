using JiaoLianTi.Platform.Identity;
using JasperFx.Events.Projections;
using JiaoLianTi.Activities.Activities;
using JiaoLianTi.Activities.Alliances;
using JiaoLianTi.Activities.Dimensions;
using JiaoLianTi.Activities.Integration;
using JiaoLianTi.Activities.Participation;
using JiaoLianTi.Activities.PhysicalActivity;
using JiaoLianTi.Activities.Programmes;
using JiaoLianTi.Activities.Registrations;
using JiaoLianTi.Activities.VolunteerHours;
using JiaoLianTi.Alliances.Contracts;
using JiaoLianTi.Platform;
using JiaoLianTi.Platform.AlliancesReplica;
using JiaoLianTi.Platform.PersonalData;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Messaging;
using JiaoLianTi.Platform.Scheduling;
using Marten;

namespace JiaoLianTi.Activities;

public static class ActivitiesService
{
    public const string Name = "activities";
    public const string Database = "activitiesdb";

    public static IHostApplicationBuilder AddActivities(this IHostApplicationBuilder builder)
    {
        builder.AddServiceApi();
        builder.Services.AddSchoolInRegionCheck<JiaoLianTi.Platform.AlliancesReplica.ReplicaSchoolCounty>();
        builder.AddPersonalDataVault();
        builder.AddEventStore(Database, options =>
            {
                // What Activities knows of Alliances' units, alliances and resources (Platform's replica).
                options.AddAlliancesReplica();
                // Students' names, birth dates and classes are sealed with their own keys (docs/design.md 17).
                options.AddPersonalDataVault();

                // Inline: the writers and the callers read their own writes.
                options.Projections.Snapshot<Activity>(SnapshotLifecycle.Inline);
                options.Projections.Snapshot<ActivityView>(SnapshotLifecycle.Inline);
                options.Projections.Add<StudentRegistrationProjection>(ProjectionLifecycle.Inline);
                options.Projections.Snapshot<VolunteerHoursRecord>(SnapshotLifecycle.Inline);
                options.Projections.Snapshot<ClassDay>(SnapshotLifecycle.Inline);
                options.Projections.Snapshot<Programme>(SnapshotLifecycle.Inline);
                options.Projections.Snapshot<ProgrammeView>(SnapshotLifecycle.Inline);
                options.Projections.Add<ProgrammeEnrolmentProjection>(ProjectionLifecycle.Inline);
                options.Projections.Snapshot<DeclaredStudents>(SnapshotLifecycle.Inline);

                options.Schema.For<ActivityView>()
                    .Index(a => a.CountyCode).Index(a => a.SchoolId).Index(a => a.StartsAt).Index(a => a.ResourceId)
                    .Index(a => a.ResourceUnitId).Index(a => a.AllianceId);
                options.Schema.For<StudentRegistration>()
                    .Index(r => r.ActivityId).Index(r => r.StudentId).Index(r => r.SchoolId);
                options.Schema.For<VolunteerHoursRecord>().Index(r => r.StudentId).Index(r => r.SchoolId);
                options.Schema.For<ClassDay>().Index(d => d.Date).Index(d => d.SchoolId).Index(d => d.CountyCode);
                options.Schema.For<ProgrammeView>().Index(p => p.SchoolId).Index(p => p.CountyCode).Index(p => p.Term)
                    .Index(p => p.ProviderUnitId);
                options.Schema.For<ProgrammeEnrolment>().Index(e => e.ProgrammeId).Index(e => e.StudentId);
                options.Schema.For<DeclaredStudents>().Index(d => d.CountyCode).Index(d => d.Term);
            })
            .PublishIntegrationEvents(new ActivityEventsMap());
        builder.Services.AddSingleton<ActivityWriter>();
        builder.Services.AddSingleton<ProgrammeWriter>();
        builder.Services.AddAllianceFactHook<ResourceWithdrawn, ResourceWithdrawnCancelsActivities>();
        builder.Services.AddAllianceFactHook<AllianceSuspended, AllianceStatusFlagsActivities>();
        builder.Services.AddAllianceFactHook<AllianceDissolved, AllianceStatusFlagsActivities>();
        builder.Services.AddAllianceFactHook<AllianceReestablished, AllianceStatusFlagsActivities>();
        builder.Services.AddAllianceFactHook<MemberLeft, ProviderLeftFlagsProgrammes>();
        builder.Services.AddAllianceFactHook<AllianceDissolved, ProviderLeftFlagsProgrammes>();
        builder.AddPeriodicCheck<SafetyPlanReviewCheck>(TimeSpan.FromMinutes(5),
            "安全预案开始前 48 小时仍未审核提醒学校，开始时仍未审核取消活动 / reminds the school of a safety plan still unreviewed 48 hours before the start, and cancels the activity at the start");
        builder.AddMessaging(Name, bus =>
        {
            bus.AddAlliancesReplica();
            bus.AddChildErasure();
            bus.AddConsumer<SafetyPlanApprovedConsumer>();
            bus.AddConsumer<SafetyPlanRejectedConsumer>();
        });
        return builder;
    }

    public static WebApplication MapActivitiesApi(this WebApplication app)
    {
        app.MapKnownAllianceEndpoints();
        app.MapActivityEndpoints();
        app.MapRegistrationEndpoints();
        app.MapVolunteerHoursEndpoints();
        app.MapPhysicalActivityEndpoints();
        app.MapParticipationEndpoints();
        app.MapProgrammeEndpoints();
        app.MapDeclaredStudentsEndpoints();
        app.MapProgrammeFiguresEndpoints();
        app.MapDimensionEndpoints();
        return app;
    }
}
