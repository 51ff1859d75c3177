using System.Text.Json;
using JiaoLianTi.Console.Auth;
using JiaoLianTi.Platform.Identity;

namespace JiaoLianTi.Console.Api;

/// <summary>
/// 家长学校的微课程 as the console offers its authoring: who may draft in which scope, the same rule as ParentSchool's
/// <c>Audience.MayAuthor</c> (the API decides; the page only chooses what to offer).
/// </summary>
public static class Courses
{
    /// <summary>The scopes a person may author in: the province's bureau its province (or a county), a bureau its county,
    /// a school's admins and teachers their school.</summary>
    public static string[] Scopes(Person person) => person.Role switch
    {
        Role.ProvinceAdmin => ["Province", "County"],
        Role.CityAdmin or Role.CountyAdmin => ["County"],
        Role.SchoolAdmin or Role.Teacher when person.SchoolId is not null => ["School"],
        _ => [],
    };

    /// <summary>The scope chosen, if the person may author in it, else the first they may.</summary>
    public static string Chosen(Person person, string scope) => Scopes(person).Contains(scope) ? scope : Scopes(person)[0];

    /// <summary>The body's scope and, for a county chosen by a city's or the province's bureau, its county's code.</summary>
    public static void Place(Dictionary<string, object?> body, Person person, string scope, string county)
    {
        var chosen = Chosen(person, scope);
        body["scope"] = chosen;
        // Otherwise the API takes the person's own region (and school).
        if (AsksCounty(person, chosen)) body["regionCode"] = J.Blank(county);
    }

    /// <summary>A course's scope, or a figure's level: 省级 / 县级 / 校级 (not 校级教联体, a school alliance).</summary>
    public static string ScopeName(string? scope) => scope switch
    {
        "Province" => "省级 Province", "County" => "县级 County", "School" => "校级 School", _ => scope ?? "",
    };

    /// <summary>A county course drafted by a city's or the province's bureau names its county (the API's default is the
    /// person's own region, which is then not a county).</summary>
    public static bool AsksCounty(Person person, string scope) => scope == "County" && person.Region.Length != 6;

    /// <summary>Whether the person may change this course (revise, publish, retire).</summary>
    public static bool MayAuthor(Person person, JsonElement course)
    {
        var region = course.Str("regionCode");
        return course.Str("scope") switch
        {
            "Province" => person.Role == Role.ProvinceAdmin && region.StartsWith(person.Region, StringComparison.Ordinal),
            "County" => person.IsBureau && region.StartsWith(person.Region, StringComparison.Ordinal),
            "School" => person.Role is Role.SchoolAdmin or Role.Teacher && person.SchoolId?.ToString() == course.Str("schoolId"),
            _ => false,
        };
    }

    /// <summary>The fields the form shows beside their inputs, so that the summary above does not repeat them.</summary>
    public static IReadOnlyCollection<string> Fields(CourseDraft draft) =>
        ["scope", "regionCode", "title", "topic", "targetGrades", "lessons",
            .. draft.Lessons.SelectMany((_, i) => new[] { "title", "durationMinutes", "text", "videoLinks" }.Select(f => $"lessons[{i}].{f}"))];
}
