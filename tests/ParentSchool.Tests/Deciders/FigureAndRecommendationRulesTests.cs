using JiaoLianTi.ParentSchool.Courses;
using JiaoLianTi.ParentSchool.Figures;
using JiaoLianTi.ParentSchool.Recommendations;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Xunit;
using static JiaoLianTi.ParentSchool.Tests.Deciders.Given;

namespace JiaoLianTi.ParentSchool.Tests.Deciders;

/// <summary>Whose figures a caller may ask for: a school its own, never a county's (403, not an empty answer).</summary>
public sealed class FigureScopeTests
{
    private static readonly Guid School = Guid.NewGuid();
    private static Caller Staff(Role role) => new("s", role, "510104", School, null);

    [Fact]
    public void A_school_sees_its_own_figures_and_is_refused_the_countys_the_provinces_and_another_schools()
    {
        Assert.Equal(School, FiguresApi.SchoolScope(Staff(Role.SchoolAdmin), null, null));
        Assert.Equal(School, FiguresApi.SchoolScope(Staff(Role.Teacher), FigureLevel.School, School.ToString()));
        Assert.Throws<ForbiddenException>(() => FiguresApi.SchoolScope(Staff(Role.SchoolAdmin), FigureLevel.County, null));
        Assert.Throws<ForbiddenException>(() => FiguresApi.SchoolScope(Staff(Role.SchoolAdmin), FigureLevel.Province, null));
        Assert.Throws<ForbiddenException>(() => FiguresApi.SchoolScope(Staff(Role.SchoolAdmin), null, "510104"));
        Assert.Throws<ForbiddenException>(() => FiguresApi.SchoolScope(Staff(Role.Parent), null, null));
        Assert.Null(FiguresApi.SchoolScope(new Caller("c", Role.CountyAdmin, "510104", null, null), FigureLevel.County, "510104"));
    }
}

/// <summary>Terms and years in China's calendar: autumn term 1 Sep – 31 Jan, spring term 1 Feb – 31 Aug.</summary>
public sealed class PeriodsTests
{
    private static DateTimeOffset China(int y, int m, int d, int h = 12) => new(y, m, d, h, 0, 0, TimeSpan.FromHours(8));

    [Theory]
    [InlineData(2026, 11, 30, 2026, 9, 1, 2027, 2, 1)]
    [InlineData(2027, 1, 31, 2026, 9, 1, 2027, 2, 1)]
    [InlineData(2027, 2, 1, 2027, 2, 1, 2027, 9, 1)]
    [InlineData(2027, 8, 31, 2027, 2, 1, 2027, 9, 1)]
    public void A_term_is_the_autumn_or_spring_term_the_day_falls_in(int y, int m, int d, int fy, int fm, int fd, int ty, int tm, int td)
    {
        var (from, to, _) = Periods.Containing(FigurePeriod.Term, China(y, m, d));
        Assert.Equal((China(fy, fm, fd, 0), China(ty, tm, td, 0)), (from, to));
    }

    [Fact]
    public void A_year_is_the_calendar_year_in_china_time()
    {
        // 2026-12-31 17:00 UTC is already 2027-01-01 in China.
        var (from, to, _) = Periods.Containing(FigurePeriod.Year, new DateTimeOffset(2026, 12, 31, 17, 0, 0, TimeSpan.Zero));
        Assert.Equal((China(2027, 1, 1, 0), China(2028, 1, 1, 0)), (from, to));
    }
}

/// <summary>A recommendation shows the courses on its topics, or says none is available yet; never an empty promise.</summary>
public sealed class ShownRecommendationTests
{
    private static Recommendation On(params CourseTopic[] topics) =>
        new(Guid.NewGuid(), Guid.NewGuid(), "510104", topics, Reasons.TrafficSafety, Reasons.Text(Reasons.TrafficSafety), "CampusSafety", Now);

    [Fact]
    public void With_a_published_course_on_its_topics_it_lists_it()
    {
        var course = Published(Content() with { Topic = CourseTopic.RoadSafety });
        var shown = RecommendationsApi.Shown(On(CourseTopic.RoadSafety), [course, Published()]);
        Assert.True(shown.CoursesAvailable);
        Assert.Null(shown.Note);
        Assert.Equal(course.Id, Assert.Single(shown.Courses).Id);
    }

    [Fact]
    public void Without_one_it_says_none_is_available_yet()
    {
        var draft = Draft(Content() with { Topic = CourseTopic.RoadSafety });
        var shown = RecommendationsApi.Shown(On(CourseTopic.RoadSafety), [draft, Published()]);
        Assert.False(shown.CoursesAvailable);
        Assert.Empty(shown.Courses);
        Assert.Equal(RecommendationsApi.NoCourseYet, shown.Note);
    }
}
