namespace JiaoLianTi.Wellbeing;

/// <summary>
/// A calendar day in a body (takenOn, seenOn, dueOn, a date of birth …) is a day in China (Asia/Shanghai, UTC+8, no
/// daylight saving): "today", "not in the future" and "not before the plan was opened" are reckoned in China time,
/// never by the UTC date, which is still yesterday until 08:00 in Chengdu.
/// </summary>
public static class ChinaDays
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    /// <summary>The day in China at that moment.</summary>
    public static DateOnly Of(DateTimeOffset at) => DateOnly.FromDateTime(at.ToOffset(Offset).DateTime);
}
