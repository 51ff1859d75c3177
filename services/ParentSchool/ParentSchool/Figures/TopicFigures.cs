using JasperFx.Events;
using JiaoLianTi.ParentSchool.Courses;
using JiaoLianTi.ParentSchool.Enrolments;
using Marten.Events.Projections;

namespace JiaoLianTi.ParentSchool.Figures;

public enum FigureLevel { School, County, Province }

/// <summary>
/// 统计: enrolments, completions and lessons completed for one topic at one school, county or province. Figures
/// only: no parent is named or ranked. <see cref="RegionCode"/> is the county (for a school or county) or the
/// province, for scoping reads.
/// </summary>
public sealed class TopicFigures
{
    public string Id { get; set; } = "";
    public FigureLevel Level { get; set; }
    public string Code { get; set; } = "";
    public string RegionCode { get; set; } = "";
    public CourseTopic Topic { get; set; }
    public long Enrolments { get; set; }
    public long Completions { get; set; }
    public long LessonsCompleted { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public static string Key(FigureLevel level, string code, CourseTopic topic) => $"{level}|{code}|{topic}";

    /// <summary>The school's (if the parent has one), the county's and the province's figures an event counts in.</summary>
    public static string[] Keys(Guid? schoolId, string countyCode, CourseTopic topic) => schoolId is { } school
        ? [Key(FigureLevel.School, school.ToString(), topic), Key(FigureLevel.County, countyCode, topic), Key(FigureLevel.Province, countyCode[..2], topic)]
        : [Key(FigureLevel.County, countyCode, topic), Key(FigureLevel.Province, countyCode[..2], topic)];
}

/// <summary>
/// Async (the daemon, one leader among replicas): the roll-ups are cross-stream views and stay off the hot path of
/// lesson completion. Each event names its topic, school and county, so the projection routes it without a lookup.
/// </summary>
public sealed class TopicFiguresProjection : MultiStreamProjection<TopicFigures, string>
{
    public TopicFiguresProjection()
    {
        Identities<EnrolmentStarted>(e => TopicFigures.Keys(e.SchoolId, e.CountyCode, e.Topic));
        Identities<LessonCompleted>(e => TopicFigures.Keys(e.SchoolId, e.CountyCode, e.Topic));
        Identities<EnrolmentCompleted>(e => TopicFigures.Keys(e.SchoolId, e.CountyCode, e.Topic));
    }

    public override TopicFigures Evolve(TopicFigures? snapshot, string id, IEvent e)
    {
        var figures = snapshot ?? New(id);
        string county;
        switch (e.Data)
        {
            case EnrolmentStarted started:
                figures.Enrolments++;
                county = started.CountyCode;
                break;
            case LessonCompleted lesson:
                figures.LessonsCompleted++;
                county = lesson.CountyCode;
                break;
            case EnrolmentCompleted completed:
                figures.Completions++;
                county = completed.CountyCode;
                break;
            default:
                return figures;
        }
        if (figures.RegionCode.Length == 0)
        {
            figures.RegionCode = county;
        }
        figures.UpdatedAt = e.Timestamp;
        return figures;
    }

    private static TopicFigures New(string id)
    {
        var parts = id.Split('|');
        var level = Enum.Parse<FigureLevel>(parts[0]);
        return new TopicFigures
        {
            Id = id, Level = level, Code = parts[1], Topic = Enum.Parse<CourseTopic>(parts[2]),
            // A school's region is its county; the events give it, but the key does not, so it is set on first use.
            RegionCode = level == FigureLevel.School ? "" : parts[1],
        };
    }
}
