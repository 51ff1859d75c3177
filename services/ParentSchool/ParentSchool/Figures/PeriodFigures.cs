using JiaoLianTi.ParentSchool.Courses;
using JiaoLianTi.ParentSchool.Enrolments;
using Marten;

namespace JiaoLianTi.ParentSchool.Figures;

/// <summary>
/// Figures for a period, counted from the enrolment events themselves (by the time each happened), rolled up exactly as
/// <see cref="TopicFiguresProjection"/> rolls up all time: per school, county and province, by topic. The running
/// totals are a projection; a period is asked for rarely (a term's report), so it is counted when asked.
/// </summary>
public static class PeriodFigures
{
    public static async Task<IReadOnlyList<TopicFiguresView>> LoadAsync(
        IQuerySession session, string region, Guid? school, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var figures = new Dictionary<string, TopicFigures>();
        void Count(Guid? schoolId, string county, CourseTopic topic, DateTimeOffset at, Action<TopicFigures> add)
        {
            foreach (var key in TopicFigures.Keys(schoolId, county, topic))
            {
                if (!figures.TryGetValue(key, out var f))
                {
                    var parts = key.Split('|');
                    var level = Enum.Parse<FigureLevel>(parts[0]);
                    f = figures[key] = new TopicFigures
                    {
                        Id = key, Level = level, Code = parts[1], Topic = topic,
                        RegionCode = level == FigureLevel.Province ? parts[1] : county,
                    };
                }
                add(f);
                if (at > f.UpdatedAt) f.UpdatedAt = at;
            }
        }

        var started = await session.Events.QueryRawEventDataOnly<EnrolmentStarted>()
            .Where(e => e.CountyCode.StartsWith(region) && e.At >= from && e.At < to)
            .Select(e => new { e.SchoolId, e.CountyCode, e.Topic, e.At }).ToListAsync(ct);
        foreach (var e in started.Where(e => school is null || e.SchoolId == school)) Count(e.SchoolId, e.CountyCode, e.Topic, e.At, f => f.Enrolments++);
        var lessons = await session.Events.QueryRawEventDataOnly<LessonCompleted>()
            .Where(e => e.CountyCode.StartsWith(region) && e.At >= from && e.At < to)
            .Select(e => new { e.SchoolId, e.CountyCode, e.Topic, e.At }).ToListAsync(ct);
        foreach (var e in lessons.Where(e => school is null || e.SchoolId == school)) Count(e.SchoolId, e.CountyCode, e.Topic, e.At, f => f.LessonsCompleted++);
        var completed = await session.Events.QueryRawEventDataOnly<EnrolmentCompleted>()
            .Where(e => e.CountyCode.StartsWith(region) && e.At >= from && e.At < to)
            .Select(e => new { e.SchoolId, e.CountyCode, e.Topic, e.At }).ToListAsync(ct);
        foreach (var e in completed.Where(e => school is null || e.SchoolId == school)) Count(e.SchoolId, e.CountyCode, e.Topic, e.At, f => f.Completions++);

        return figures.Values.Select(TopicFiguresView.Of).ToList();
    }
}
