using JiaoLianTi.Platform.Http;

namespace JiaoLianTi.CampusSafety.TrafficPlans;

public sealed record BusStop(string Name, TimeOnly Time);

/// <summary>校车路线: a bus route of the school, its stops in order with their times.</summary>
public sealed record BusRoute(string Name, string? Vehicle, IReadOnlyList<BusStop> Stops);

public record TrafficPlanDrawnUp(
    Guid SchoolId, string CountyCode, string Summary, IReadOnlyList<BusRoute> Routes, DateOnly ReviewDueOn, string By,
    DateTimeOffset At);

public record TrafficPlanRevised(Guid SchoolId, string Summary, IReadOnlyList<BusRoute> Routes, string By, DateTimeOffset At);

public record TrafficPlanReviewed(Guid SchoolId, string Notes, DateOnly NextReviewDueOn, string By, DateTimeOffset At);

/// <summary>
/// 一校一策: the school's traffic plan and bus routes. Its stream id is the school id, so a school has one plan.
/// Reviewed yearly. Also its inline read model.
/// </summary>
public sealed record TrafficPlan(
    Guid Id, string CountyCode, string Summary, IReadOnlyList<BusRoute> Routes, DateOnly ReviewDueOn, DateTimeOffset DrawnUpAt)
{
    public long Version { get; set; }
    public Guid SchoolId => Id;
    public DateTimeOffset? LastReviewedAt { get; init; }
    public string? LastReviewNotes { get; init; }

    public static TrafficPlan Create(TrafficPlanDrawnUp e) =>
        new(e.SchoolId, e.CountyCode, e.Summary, e.Routes, e.ReviewDueOn, e.At);

    public TrafficPlan Apply(TrafficPlanRevised e) => this with { Summary = e.Summary, Routes = e.Routes };

    public TrafficPlan Apply(TrafficPlanReviewed e) =>
        this with { ReviewDueOn = e.NextReviewDueOn, LastReviewedAt = e.At, LastReviewNotes = e.Notes };
}

public record DrawUpTrafficPlan(Guid SchoolId, string CountyCode, string Summary, IReadOnlyList<BusRoute> Routes, string By, DateTimeOffset Now);
public record ReviseTrafficPlan(string Summary, IReadOnlyList<BusRoute> Routes, string By, DateTimeOffset Now);
public record ReviewTrafficPlan(string Notes, string By, DateTimeOffset Now);

/// <summary>The traffic plan's rules, pure.</summary>
public static class TrafficPlanDecider
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    public static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(now.ToOffset(China).DateTime);

    public static IReadOnlyList<object> Decide(DrawUpTrafficPlan c)
    {
        EnsureRoutes(c.Routes);
        return [new TrafficPlanDrawnUp(c.SchoolId, c.CountyCode, c.Summary.Trim(), c.Routes, Today(c.Now).AddYears(1), c.By, c.Now)];
    }

    public static IReadOnlyList<object> Decide(ReviseTrafficPlan c, TrafficPlan s)
    {
        EnsureRoutes(c.Routes);
        return [new TrafficPlanRevised(s.Id, c.Summary.Trim(), c.Routes, c.By, c.Now)];
    }

    /// <summary>A review sets the next one a year from today.</summary>
    public static IReadOnlyList<object> Decide(ReviewTrafficPlan c, TrafficPlan s) =>
        [new TrafficPlanReviewed(s.Id, c.Notes.Trim(), Today(c.Now).AddYears(1), c.By, c.Now)];

    private static void EnsureRoutes(IReadOnlyList<BusRoute> routes)
    {
        if (routes.GroupBy(r => r.Name.Trim()).Any(g => g.Count() > 1))
        {
            throw new RuleViolation("route-twice", "线路名称重复 / Two routes share a name.");
        }
        foreach (var route in routes)
        {
            if (route.Stops.Count < 2)
            {
                throw new RuleViolation("route-stops", $"线路 {route.Name} 至少两个站点 / Route {route.Name} needs at least two stops.");
            }
            if (route.Stops.Zip(route.Stops.Skip(1)).Any(p => p.Second.Time <= p.First.Time))
            {
                throw new RuleViolation("route-times", $"线路 {route.Name} 的站点时间须递增 / The stops of route {route.Name} must be in time order.");
            }
        }
    }
}
