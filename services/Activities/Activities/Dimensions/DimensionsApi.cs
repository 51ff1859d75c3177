using JiaoLianTi.Activities.Activities;
using JiaoLianTi.Activities.Programmes;
using JiaoLianTi.Alliances.Contracts;
using JiaoLianTi.Platform.AlliancesReplica;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.Activities.Dimensions;

public sealed record DimensionLabel(Dimension Dimension, string Short, string Label);

/// <summary>
/// One dimension's figures: activities (open, closed or completed, by their start in the period) and programmes (not
/// cancelled, whose term overlaps the period) that serve it; <see cref="Attendances"/> (人次: students present, summed
/// over completed activities and programme sessions) through the small-count rule; <see cref="StudentHours"/> those
/// times the hours, null when the attendances are suppressed. An activity serving two dimensions counts in both.
/// </summary>
public sealed record DimensionFigures(
    Dimension Dimension, string Label, int Activities, int Programmes, string Attendances, decimal? StudentHours);

/// <summary>A school's figures (its own activities and programmes) and the dimensions it has none in.</summary>
public sealed record SchoolDimensions(
    Guid SchoolId, string? SchoolName, string CountyCode, IReadOnlyList<DimensionFigures> Dimensions, IReadOnlyList<Dimension> Missing);

/// <summary>How many of a county's schools have nothing in a dimension, and which.</summary>
public sealed record MissingDimension(Dimension Dimension, string Label, int Schools, IReadOnlyList<Guid> SchoolIds);

/// <summary>A county's figures (alliance-run activities included) and its schools missing each dimension.</summary>
public sealed record CountyDimensions(
    string CountyCode, int Schools, IReadOnlyList<DimensionFigures> Dimensions, IReadOnlyList<MissingDimension> Missing);

public sealed record DimensionReport(
    DateOnly From, DateOnly To, string? Term, int SmallCountThreshold, IReadOnlyList<DimensionFigures> Overall,
    IReadOnlyList<CountyDimensions> Counties, IReadOnlyList<SchoolDimensions> Schools);

public static class DimensionsApi
{
    private const int MaxRows = 200_000;

    /// <summary>An activity counts at most this many hours a day (a two-day study trip is not 48 hours of learning).</summary>
    public const int MaxHoursPerDay = 8;

    public static RouteGroupBuilder MapDimensionEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/activities/dimensions").WithTags("Dimensions 五育并举");
        group.MapGet("/", List).WithSummary("五育 / The five dimensions, with their Chinese labels");
        group.MapGet("/figures", Figures)
            .WithSummary("五育统计：各育活动数与学生课时，按学校和县；本期缺项的学校 / Activities and student-hours per dimension, per school and county; schools with none in a dimension");
        return group;
    }

    private static Ok<IReadOnlyList<DimensionLabel>> List() =>
        TypedResults.Ok<IReadOnlyList<DimensionLabel>>(FiveEducations.All.Select(d => new DimensionLabel(d, d.Short(), d.Label())).ToList());

    private static async Task<Ok<DimensionReport>> Figures(
        HttpContext http, IQuerySession session, string? term, DateOnly? from, DateOnly? to, string? county, Guid? school,
        Dimension? missing, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation()
            .Check((from is null) == (to is null), from is null ? "from" : "to", "from 与 to 须同时给出 / give both from and to")
            .Check(from is null || to is null || to >= from, "to", "不得早于 from / must not be before from")
            .Check(from is null || to is null || to.Value.DayNumber - from.Value.DayNumber <= 366, "to", "区间不超过一年 / the period is at most a year")
            .ThrowIfInvalid();
        string? theTerm = null;
        DateOnly first, last;
        if (from is { } f && to is { } t)
        {
            ProgrammeFiguresApi.Term(term, county, clock);
            (first, last) = (f, t);
        }
        else
        {
            theTerm = ProgrammeFiguresApi.Term(term, county, clock);
            (first, last) = Terms.Range(theTerm);
        }
        var (region, own) = ProgrammeFiguresApi.Scope(caller, "五育统计供学校和教育行政部门查看 / The figures are for schools and education bureaus.");
        var prefix = string.IsNullOrEmpty(county) ? region : county;
        var one = own ?? school;

        var schoolsQuery = session.Query<KnownUnit>().Where(u => u.Kind == MemberUnitKinds.School && u.CountyCode.StartsWith(region)
            && u.CountyCode.StartsWith(prefix));
        if (one is { } s1) schoolsQuery = schoolsQuery.Where(u => u.Id == s1);
        var schools = await schoolsQuery.Take(MaxRows).ToListAsync(ct);

        var start = new DateTimeOffset(first.ToDateTime(TimeOnly.MinValue), Terms.ChinaTime);
        var end = new DateTimeOffset(last.AddDays(1).ToDateTime(TimeOnly.MinValue), Terms.ChinaTime);
        var activitiesQuery = session.Query<ActivityView>().Where(a => a.CountyCode.StartsWith(region) && a.CountyCode.StartsWith(prefix)
            && a.StartsAt >= start && a.StartsAt < end
            && (a.Status == ActivityStatus.Open || a.Status == ActivityStatus.Closed || a.Status == ActivityStatus.Completed));
        if (one is { } s2) activitiesQuery = activitiesQuery.Where(a => a.SchoolId == s2);
        var activities = await activitiesQuery.Take(MaxRows).ToListAsync(ct);

        var programmesQuery = session.Query<ProgrammeView>().Where(p => p.CountyCode.StartsWith(region) && p.CountyCode.StartsWith(prefix)
            && (p.Status == ProgrammeStatus.Open || p.Status == ProgrammeStatus.Closed));
        if (one is { } s3) programmesQuery = programmesQuery.Where(p => p.SchoolId == s3);
        var firstKey = Programme.Key(first);
        var lastKey = Programme.Key(last);
        var programmes = (await programmesQuery.Take(MaxRows).ToListAsync(ct))
            .Where(p => Terms.Range(p.Term) is var (tf, tl) && tf <= last && tl >= first).ToList();

        var items = activities.Select(a => new Item(a.SchoolId, a.CountyCode, a.Dimensions, IsProgramme: false, ActivityAttendances(a), ActivityHours(a)))
            .Concat(programmes.Select(p =>
            {
                var inPeriod = p.PresentBySession.Where(kv => string.CompareOrdinal(kv.Key, firstKey) >= 0 && string.CompareOrdinal(kv.Key, lastKey) <= 0)
                    .Sum(kv => kv.Value);
                return new Item(p.SchoolId, p.CountyCode, p.Dimensions, IsProgramme: true, inPeriod, p.SessionHours);
            }))
            .ToList();

        var schoolRows = schools.Select(u =>
        {
            var mine = items.Where(i => i.SchoolId == u.Id).ToList();
            var figures = Tally(mine);
            return new SchoolDimensions(u.Id, u.Name, u.CountyCode, figures,
                figures.Where(d => d.Activities == 0 && d.Programmes == 0).Select(d => d.Dimension).ToList());
        }).ToList();

        var counties = schools.Select(u => u.CountyCode).Concat(items.Select(i => i.CountyCode)).Distinct().Order()
            .Select(code =>
            {
                var ofCounty = schoolRows.Where(r => r.CountyCode == code).ToList();
                return new CountyDimensions(code, ofCounty.Count, Tally(items.Where(i => i.CountyCode == code && (one is null || i.SchoolId == one))),
                    FiveEducations.All.Select(d =>
                    {
                        var lacking = ofCounty.Where(r => r.Missing.Contains(d)).Select(r => r.SchoolId).ToList();
                        return new MissingDimension(d, d.Label(), lacking.Count, lacking);
                    }).ToList());
            }).ToList();

        var listed = missing is { } m ? schoolRows.Where(r => r.Missing.Contains(m)).ToList() : schoolRows;
        return TypedResults.Ok(new DimensionReport(first, last, theTerm, SmallCounts.Threshold,
            Tally(one is null ? items : items.Where(i => i.SchoolId == one)), counties,
            listed.OrderBy(r => r.CountyCode).ThenBy(r => r.SchoolName).ToList()));
    }

    private static IReadOnlyList<DimensionFigures> Tally(IEnumerable<Item> items)
    {
        var list = items.ToList();
        return FiveEducations.All.Select(d =>
        {
            var serving = list.Where(i => i.Dimensions.Contains(d)).ToList();
            var attendances = serving.Sum(i => i.Attendances);
            var suppressed = attendances is > 0 and < SmallCounts.Threshold;
            return new DimensionFigures(d, d.Label(), serving.Count(i => !i.IsProgramme), serving.Count(i => i.IsProgramme),
                SmallCounts.Show(attendances), suppressed ? null : serving.Sum(i => i.Attendances * i.Hours));
        }).ToList();
    }

    /// <summary>
    /// Who took part in a completed activity: those recorded present, else those checked in, else its confirmed seats
    /// (an organiser who recorded nothing); an activity still to take place has none yet.
    /// </summary>
    private static int ActivityAttendances(ActivityView a) =>
        a.Status != ActivityStatus.Completed ? 0 : a.Attended > 0 ? a.Attended : a.CheckedIn > 0 ? a.CheckedIn : a.Confirmed;

    private static decimal ActivityHours(ActivityView a)
    {
        var length = a.EndsAt - a.StartsAt;
        var days = Math.Max(1, (int)Math.Ceiling(length.TotalDays));
        return Math.Round((decimal)Math.Min(length.TotalHours, days * MaxHoursPerDay), 2);
    }

    private sealed record Item(Guid? SchoolId, string CountyCode, IReadOnlyList<Dimension> Dimensions, bool IsProgramme, int Attendances, decimal Hours);
}
