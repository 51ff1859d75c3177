namespace JiaoLianTi.Alliances;

/// <summary>
/// One step of a list item's life (a need, a responsibility, a resource): the status it entered, when, who changed
/// it (the token's subject; <see cref="System"/> for the service's own periodic checks) and a note (a reason, a
/// resolution). Every item answers with its whole history, so the county sees who did what, not only when.
/// </summary>
public sealed record StatusStep(string Status, DateTimeOffset At, string By, string? Note = null)
{
    /// <summary>Who a periodic check acts as.</summary>
    public const string System = "system 系统";
}
