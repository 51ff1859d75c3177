using JiaoLianTi.ParentSchool.Courses;
using JiaoLianTi.ParentSchool.Recommendations;
using Marten;
using MassTransit;
using Microsoft.Extensions.Logging;
using ActivityCompleted = JiaoLianTi.Activities.Contracts.ActivityCompleted;
using BullyingCaseOpened = JiaoLianTi.CampusSafety.Contracts.BullyingCaseOpened;
using HazardKinds = JiaoLianTi.CampusSafety.Contracts.HazardKinds;
using HazardReported = JiaoLianTi.CampusSafety.Contracts.HazardReported;

namespace JiaoLianTi.ParentSchool.Integration;

// Each consumer only stages its recommendation in the scoped session: the idempotency filter commits it together with
// the message id, so a redelivered message is applied once.

/// <summary>A bullying case opened at a school: anti-bullying and communication courses for that school's parents.</summary>
public sealed class BullyingCaseOpenedConsumer(IDocumentSession session, ILogger<BullyingCaseOpenedConsumer> logger)
    : IConsumer<BullyingCaseOpened>
{
    public Task Consume(ConsumeContext<BullyingCaseOpened> context)
    {
        var e = context.Message;
        CourseTopic[] topics = [CourseTopic.AntiBullying, CourseTopic.ParentChildCommunication];
        session.Store(new Recommendation(Recommendation.IdFor(e.SchoolId, e.CountyCode, Reasons.BullyingPrevention, topics),
            e.SchoolId, e.CountyCode, topics, Reasons.BullyingPrevention, Reasons.Text(Reasons.BullyingPrevention),
            "CampusSafety", e.OpenedAt));
        logger.LogInformation("推荐防欺凌课程 / Recommended anti-bullying courses to the parents of school {SchoolId}", e.SchoolId);
        return Task.CompletedTask;
    }
}

/// <summary>A traffic hazard near a school: the road-safety course for its parents. Other kinds are not ours.</summary>
public sealed class HazardReportedConsumer(IDocumentSession session, ILogger<HazardReportedConsumer> logger)
    : IConsumer<HazardReported>
{
    public Task Consume(ConsumeContext<HazardReported> context)
    {
        var e = context.Message;
        if (e.Kind != HazardKinds.Traffic)
        {
            return Task.CompletedTask;
        }
        CourseTopic[] topics = [CourseTopic.RoadSafety];
        session.Store(new Recommendation(Recommendation.IdFor(e.SchoolId, e.CountyCode, Reasons.TrafficSafety, topics),
            e.SchoolId, e.CountyCode, topics, Reasons.TrafficSafety, Reasons.Text(Reasons.TrafficSafety), "CampusSafety",
            e.ReportedAt));
        logger.LogInformation("推荐交通安全课程 / Recommended road safety to the parents of school {SchoolId}", e.SchoolId);
        return Task.CompletedTask;
    }
}

/// <summary>An activity took place: courses on its topics for the parents of its school (or of its county).</summary>
public sealed class ActivityCompletedConsumer(IDocumentSession session, ILogger<ActivityCompletedConsumer> logger)
    : IConsumer<ActivityCompleted>
{
    public Task Consume(ConsumeContext<ActivityCompleted> context)
    {
        var e = context.Message;
        var topics = Reasons.TopicsAfterActivity(e.Kind, e.Topics ?? []);
        if (topics.Length == 0)
        {
            return Task.CompletedTask;
        }
        var code = Reasons.ActivityFollowUp + ":" + e.Kind;
        session.Store(new Recommendation(Recommendation.IdFor(e.SchoolId, e.CountyCode, code, topics),
            e.SchoolId, e.CountyCode, topics, Reasons.ActivityFollowUp, Reasons.Text(Reasons.ActivityFollowUp, KindName(e.Kind)),
            "Activities", e.CompletedAt));
        logger.LogInformation("推荐活动相关课程 / Recommended {Topics} after an activity in {County}", string.Join(',', topics), e.CountyCode);
        return Task.CompletedTask;
    }

    private static string KindName(string kind) => kind switch
    {
        "StudyTrip" => "研学实践 StudyTrip",
        "CommunityClass" => "社区实践课堂 CommunityClass",
        "VolunteerService" => "志愿服务 VolunteerService",
        "Lecture" => "讲座 Lecture",
        "Sport" => "体育 Sport",
        _ => kind,
    };
}
