using JiaoLianTi.ParentSchool.Courses;
using JiaoLianTi.ParentSchool.Parents;
using JiaoLianTi.Platform.EventStore;

namespace JiaoLianTi.ParentSchool.Recommendations;

/// <summary>
/// 为您推荐: topics recommended to the parents of one school (or, with no school, of a county), and why. Kept per
/// school from other services' events, which carry no personal data; nothing here names a child or a parent. The
/// courses are found when a parent asks, so a course published later is recommended too.
/// </summary>
public sealed record Recommendation(
    Guid Id, Guid? SchoolId, string CountyCode, CourseTopic[] Topics, string ReasonCode, string Reason, string Source,
    DateTimeOffset RecommendedAt)
{
    /// <summary>One recommendation per place, reason and topics: a second case of the same kind refreshes it.</summary>
    public static Guid IdFor(Guid? schoolId, string countyCode, string reasonCode, IEnumerable<CourseTopic> topics) =>
        NameBasedIds.Create(new Guid("0d7f4a6c-2f0e-4b6e-9a51-3c8a7e9d1b20"),
            $"{schoolId?.ToString() ?? countyCode}|{reasonCode}|{string.Join(',', topics.Order())}");
}

/// <summary>The reasons, bilingual, as a parent reads them. They say what the school is doing, never what happened to whom.</summary>
public static class Reasons
{
    public const string BullyingPrevention = "BullyingPrevention";
    public const string TrafficSafety = "TrafficSafety";
    public const string ActivityFollowUp = "ActivityFollowUp";

    public static string Text(string code, string? detail = null) => code switch
    {
        BullyingPrevention => "学校正在开展防欺凌教育，建议家长一起学习 / Your school is working on preventing bullying: these courses help at home.",
        TrafficSafety => "学校周边交通安全需要家校共同关注 / Road safety near your school needs families too: a course on getting there safely.",
        ActivityFollowUp => $"孩子刚参加了{detail}活动，相关课程可助您延伸 / Your school's children just took part in an activity ({detail}): related courses.",
        _ => code,
    };

    /// <summary>Activities' topic tags (the six pairings) and kinds, as the course topics that follow on from them.</summary>
    public static CourseTopic[] TopicsAfterActivity(string kind, IEnumerable<string> tags)
    {
        var topics = new HashSet<CourseTopic>();
        foreach (var tag in tags)
        {
            switch (tag)
            {
                case "VenueSchool": topics.Add(CourseTopic.StudyHabits); break;
                case "MedicalEducation": topics.Add(CourseTopic.MentalHealth); break;
                case "SportEducation": topics.Add(CourseTopic.PhysicalActivity); topics.Add(CourseTopic.Resilience); break;
                case "FamilySchool": topics.Add(CourseTopic.ParentChildCommunication); break;
                case "CommunityEducation": topics.Add(CourseTopic.ParentChildCommunication); break;
                case "PoliceSchool": topics.Add(CourseTopic.Law); topics.Add(CourseTopic.Safety); break;
            }
        }
        if (kind == "StudyTrip")
        {
            topics.Add(CourseTopic.Safety);
        }
        return topics.Order().ToArray();
    }
}
