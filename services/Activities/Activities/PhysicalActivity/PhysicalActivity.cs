using JiaoLianTi.Platform.Http;

namespace JiaoLianTi.Activities.PhysicalActivity;

/// <summary>体教互融: a class's minutes of physical activity on one day (the whole day's total, as last logged).</summary>
public record PhysicalActivityLogged(
    Guid LogId, Guid SchoolId, string CountyCode, string ClassName, DateOnly Date, int Minutes, string LoggedBy,
    DateTimeOffset At);

/// <summary>One class's day: the stream's state and its inline read model.</summary>
public sealed record ClassDay(
    Guid Id, Guid SchoolId, string CountyCode, string ClassName, DateOnly Date, int Minutes, string LoggedBy,
    DateTimeOffset LoggedAt)
{
    /// <summary>The national aim: two hours of physical activity a day (每天综合体育活动时间不低于 2 小时).</summary>
    public const int TargetMinutes = 120;

    public long Version { get; set; }
    public bool ReachesTarget => Minutes >= TargetMinutes;

    public static ClassDay Create(PhysicalActivityLogged e) =>
        new(e.LogId, e.SchoolId, e.CountyCode, e.ClassName, e.Date, e.Minutes, e.LoggedBy, e.At);

    public ClassDay Apply(PhysicalActivityLogged e) => this with { Minutes = e.Minutes, LoggedBy = e.LoggedBy, LoggedAt = e.At };

    public static Guid IdFor(Guid schoolId, string className, DateOnly date) =>
        Platform.EventStore.NameBasedIds.Create(schoolId, $"class-day:{className}:{date:yyyy-MM-dd}");
}

public record LogPhysicalActivity(
    Guid SchoolId, string CountyCode, string ClassName, DateOnly Date, int Minutes, string By, DateTimeOffset Now);

public static class PhysicalActivityDecider
{
    private static readonly TimeSpan ChinaTime = TimeSpan.FromHours(8);

    public static IReadOnlyList<object> Decide(LogPhysicalActivity c, ClassDay? state)
    {
        var today = DateOnly.FromDateTime(c.Now.ToOffset(ChinaTime).DateTime);
        if (c.Date > today)
        {
            throw new RuleViolation("date-in-future", "不能记录未来日期的活动时间 / Minutes cannot be logged for a day that has not come.");
        }
        if (c.Minutes is < 0 or > 24 * 60)
        {
            throw new RuleViolation("minutes-out-of-range", "分钟数须在 0 到 1440 之间 / Minutes must be between 0 and 1440.");
        }
        if (state is not null && state.Minutes == c.Minutes)
        {
            return [];
        }
        return [new PhysicalActivityLogged(ClassDay.IdFor(c.SchoolId, c.ClassName, c.Date), c.SchoolId, c.CountyCode,
            c.ClassName, c.Date, c.Minutes, c.By, c.Now)];
    }
}
