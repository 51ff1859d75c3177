namespace JiaoLianTi.ParentSchool.Figures;

/// <summary>A period figures may be asked for: <c>term</c> (this term), <c>year</c> (this year), or any from/to.</summary>
public enum FigurePeriod { Term, Year }

/// <summary>
/// The periods of figures, in China's calendar (UTC+8). A year is the calendar year (1 January to 31 December).
/// A term (学期) is the autumn term, 1 September to 31 January (秋季学期, the first of a school year), or the spring
/// term, 1 February to 31 August (春季学期; the summer holidays count with the term they follow).
/// </summary>
public static class Periods
{
    public static readonly TimeSpan China = TimeSpan.FromHours(8);

    /// <summary>The period containing <paramref name="now"/>: its first moment and the first moment after it.</summary>
    public static (DateTimeOffset From, DateTimeOffset To, string Name) Containing(FigurePeriod period, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.ToOffset(China).DateTime);
        if (period == FigurePeriod.Year)
        {
            return (Start(new DateOnly(today.Year, 1, 1)), Start(new DateOnly(today.Year + 1, 1, 1)), $"{today.Year} 年 / {today.Year}");
        }
        return today.Month is >= 2 and <= 8
            ? (Start(new DateOnly(today.Year, 2, 1)), Start(new DateOnly(today.Year, 9, 1)),
                $"{today.Year - 1}-{today.Year} 学年春季学期 / spring term {today.Year - 1}-{today.Year}")
            : today.Month >= 9
                ? (Start(new DateOnly(today.Year, 9, 1)), Start(new DateOnly(today.Year + 1, 2, 1)),
                    $"{today.Year}-{today.Year + 1} 学年秋季学期 / autumn term {today.Year}-{today.Year + 1}")
                : (Start(new DateOnly(today.Year - 1, 9, 1)), Start(new DateOnly(today.Year, 2, 1)),
                    $"{today.Year - 1}-{today.Year} 学年秋季学期 / autumn term {today.Year - 1}-{today.Year}");
    }

    /// <summary>The first moment of a day in China.</summary>
    public static DateTimeOffset Start(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), China);
}
