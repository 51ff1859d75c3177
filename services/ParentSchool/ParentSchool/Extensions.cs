using JasperFx.Events.Projections;
using JiaoLianTi.ParentSchool.Courses;
using JiaoLianTi.ParentSchool.Enrolments;
using JiaoLianTi.ParentSchool.Figures;
using JiaoLianTi.ParentSchool.Integration;
using JiaoLianTi.ParentSchool.Library;
using JiaoLianTi.ParentSchool.Meetings;
using JiaoLianTi.ParentSchool.Recommendations;
using JiaoLianTi.Platform;
using JiaoLianTi.Platform.AlliancesReplica;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Messaging;
using JiaoLianTi.Platform.PersonalData;

namespace JiaoLianTi.ParentSchool;

public static class ParentSchoolService
{
    public const string Name = "parentschool";
    public const string Database = "parentschooldb";

    public static IHostApplicationBuilder AddParentSchool(this IHostApplicationBuilder builder)
    {
        builder.AddServiceApi();
        // A token's school must lie in its region (issue 17), learnt from the replica of Alliances' facts.
        builder.Services.AddSchoolInRegionCheck<ReplicaSchoolCounty>();
        builder.AddPersonalDataVault();
        builder.AddEventStore(Database, options =>
            {
                // Home visits' purpose, family and notes are sealed with the student's key (docs/design.md 17).
                options.AddPersonalDataVault();
                // Each stream's own view inline (read-your-writes); the cross-stream roll-ups async, off the hot path.
                options.Projections.Snapshot<MicroCourse>(SnapshotLifecycle.Inline);
                options.Projections.Snapshot<LibraryItem>(SnapshotLifecycle.Inline);
                options.Projections.Snapshot<Enrolment>(SnapshotLifecycle.Inline);
                options.Projections.Snapshot<ParentMeeting>(SnapshotLifecycle.Inline);
                options.Projections.Snapshot<HomeVisit>(SnapshotLifecycle.Inline);
                options.Projections.Add<TopicFiguresProjection>(ProjectionLifecycle.Async);

                options.Schema.For<MicroCourse>().Index(c => c.RegionCode).Index(c => c.SchoolId!)
                    .Index(c => c.Title); // the catalogue, by title: its page read through the index
                options.Schema.For<LibraryItem>().Index(i => i.RegionCode);
                options.Schema.For<Enrolment>().Index(e => e.ParentId).Index(e => e.CertificateId!);
                options.Schema.For<TopicFigures>().Index(f => f.RegionCode);
                options.Schema.For<ParentMeeting>().Index(m => m.SchoolId).Index(m => m.CountyCode);
                options.Schema.For<HomeVisit>().Index(v => v.SchoolId).Index(v => v.StudentId);
                options.Schema.For<Recommendation>().Index(r => r.SchoolId!).Index(r => r.CountyCode);
                // Schools' names and counties: ParentSchool's replica of Alliances' facts.
                options.AddAlliancesReplica();
            })
            .PublishIntegrationEvents(new ParentSchoolEventsMap());
        builder.AddMessaging(Name, bus =>
        {
            bus.AddAlliancesReplica();
            bus.AddChildErasure();
            bus.AddConsumer<BullyingCaseOpenedConsumer>();
            bus.AddConsumer<HazardReportedConsumer>();
            bus.AddConsumer<ActivityCompletedConsumer>();
        });
        return builder;
    }

    /// <summary>The service's endpoints, under <c>/api/parentschool</c>.</summary>
    public static WebApplication MapParentSchoolApi(this WebApplication app)
    {
        app.MapCourseEndpoints();
        app.MapEnrolmentEndpoints();
        app.MapLibraryEndpoints();
        app.MapFigureEndpoints();
        app.MapMeetingEndpoints();
        app.MapHomeVisitEndpoints();
        app.MapRecommendationEndpoints();
        return app;
    }
}
