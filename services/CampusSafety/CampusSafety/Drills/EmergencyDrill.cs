namespace JiaoLianTi.CampusSafety.Drills;

public enum DrillKind { Fire, Earthquake, Evacuation, Lockdown, Flood, Other }

public enum DrillStatus { Planned, Completed }

public sealed record FollowUpAction(Guid Id, string Finding, bool Done, string? Note = null, DateTimeOffset? DoneAt = null);

public record DrillPlanned(Guid DrillId, Guid SchoolId, string CountyCode, DrillKind Kind, DateTimeOffset PlannedFor, string By, DateTimeOffset At);

public record DrillCarriedOut(
    Guid DrillId, Guid SchoolId, string CountyCode, DrillKind Kind, int Participants, TimeSpan Duration,
    IReadOnlyList<FollowUpAction> Actions, string Term, string By, DateTimeOffset At);

public record DrillFollowUpDone(Guid DrillId, Guid ActionId, string Note, string By, DateTimeOffset At);

/// <summary>应急演练: the drill's state, also its inline read model.</summary>
public sealed record EmergencyDrill(
    Guid Id, Guid SchoolId, string CountyCode, DrillKind Kind, DateTimeOffset PlannedFor, DrillStatus Status)
{
    public long Version { get; set; }
    /// <summary>The school's name beside its id, in lists (from the replica of Alliances' facts); never stored.</summary>
    public string? SchoolName { get; init; }
    public int? Participants { get; init; }
    public TimeSpan? Duration { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    /// <summary>The school term it counts for (e.g. <c>2026-Autumn</c>), set when completed.</summary>
    public string? Term { get; init; }
    public IReadOnlyList<FollowUpAction> Actions { get; init; } = [];
    public int OpenActions { get; init; }

    public static EmergencyDrill Create(DrillPlanned e) =>
        new(e.DrillId, e.SchoolId, e.CountyCode, e.Kind, e.PlannedFor, DrillStatus.Planned);

    public EmergencyDrill Apply(DrillCarriedOut e) => this with
    {
        Status = DrillStatus.Completed, Participants = e.Participants, Duration = e.Duration, CompletedAt = e.At,
        Term = e.Term, Actions = e.Actions, OpenActions = e.Actions.Count(a => !a.Done),
    };

    public EmergencyDrill Apply(DrillFollowUpDone e)
    {
        var actions = Actions.Select(a => a.Id == e.ActionId ? a with { Done = true, Note = e.Note, DoneAt = e.At } : a).ToList();
        return this with { Actions = actions, OpenActions = actions.Count(a => !a.Done) };
    }
}

/// <summary>School terms (学期): spring from 1 February, autumn from 1 August, by the date in China (UTC+8).</summary>
public static class Terms
{
    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    public static string Of(DateTimeOffset at)
    {
        var date = at.ToOffset(China);
        return date.Month switch
        {
            >= 2 and <= 7 => $"{date.Year}-Spring",
            >= 8 => $"{date.Year}-Autumn",
            _ => $"{date.Year - 1}-Autumn",
        };
    }

    /// <summary>The term of a day in China (a law lesson's date).</summary>
    public static string Of(DateOnly day) => Of(new DateTimeOffset(day.ToDateTime(new TimeOnly(12, 0)), China));

    public static bool IsTerm(string text)
    {
        var parts = text.Split('-');
        return parts.Length == 2 && int.TryParse(parts[0], out var year) && year is > 2000 and < 2200
            && parts[1] is "Spring" or "Autumn";
    }
}
