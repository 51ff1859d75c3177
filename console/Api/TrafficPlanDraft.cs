using System.Globalization;
using System.Text.Json;

namespace JiaoLianTi.Console.Api;

/// <summary>
/// 一校一策 as its form holds it: the plan's summary and its bus routes, each with its stops in order and their times
/// (HH:mm, Beijing time). Made empty for drawing up, or from a plan the API gave for revising it.
/// </summary>
public sealed class TrafficPlanDraft
{
    public sealed class StopDraft
    {
        public string Name { get; set; } = "";
        public string Time { get; set; } = "";
    }

    public sealed class RouteDraft
    {
        public string Name { get; set; } = "";
        public string Vehicle { get; set; } = "";
        public List<StopDraft> Stops { get; } = [new(), new()];
    }

    public string Summary { get; set; } = "";
    public List<RouteDraft> Routes { get; } = [];

    public static TrafficPlanDraft From(JsonElement plan)
    {
        var draft = new TrafficPlanDraft { Summary = plan.Str("summary") };
        foreach (var r in plan.Items("routes"))
        {
            var route = new RouteDraft { Name = r.Str("name"), Vehicle = r.Str("vehicle") };
            route.Stops.Clear();
            route.Stops.AddRange(r.Items("stops").Select(s => new StopDraft { Name = s.Str("name"), Time = Clock(s.Str("time")) }));
            draft.Routes.Add(route);
        }
        return draft;
    }

    /// <summary>The yearly review is overdue: its day (China's date) has passed.</summary>
    public static bool Overdue(JsonElement plan) =>
        DateOnly.TryParse(plan.Str("reviewDueOn"), CultureInfo.InvariantCulture, out var due)
        && due < J.TodayInChina();

    /// <summary>"07:10:00" as the time input shows it: "07:10".</summary>
    public static string Clock(string time) => time.Length >= 5 ? time[..5] : time;

    /// <summary>The request's body: a stop's time as the API reads it (HH:mm:ss); what is blank is sent as null, for the API to name.</summary>
    public object Content(Guid? schoolId = null) => new
    {
        schoolId,
        summary = J.Blank(Summary),
        routes = Routes.Select(r => new
        {
            name = J.Blank(r.Name),
            vehicle = J.Blank(r.Vehicle),
            stops = r.Stops.Select(s => new
            {
                name = J.Blank(s.Name),
                time = TimeOnly.TryParse(s.Time, CultureInfo.InvariantCulture, out var t) ? t.ToString("HH:mm:ss", CultureInfo.InvariantCulture) : null,
            }).ToArray(),
        }).ToArray(),
    };

    /// <summary>The fields the form shows beside their inputs (a route's and a stop's as routes[0].stops[1].name).</summary>
    public IReadOnlyCollection<string> Fields() =>
        ["schoolId", "summary", "routes",
            .. Routes.SelectMany((r, i) => new[] { $"routes[{i}].name", $"routes[{i}].vehicle", $"routes[{i}].stops" }
                .Concat(r.Stops.SelectMany((_, j) => new[] { $"routes[{i}].stops[{j}].name", $"routes[{i}].stops[{j}].time" })))];
}
