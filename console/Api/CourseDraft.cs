using System.Text.Json;

namespace JiaoLianTi.Console.Api;

/// <summary>
/// 微课程 as its author edits it in the console: the content of <c>POST /api/parentschool/courses</c> and of
/// <c>PUT .../{id}/draft</c>. Each lesson keeps its id, so a revision keeps the parents' progress in the lessons it keeps.
/// </summary>
public sealed class CourseDraft
{
    /// <summary>ParentSchool's CourseTopic values, in its order.</summary>
    public static readonly string[] Topics =
        ["PhoneUse", "Resilience", "MentalHealth", "Safety", "RoadSafety", "AntiBullying", "StudyHabits", "ParentChildCommunication", "Law", "PhysicalActivity"];

    public sealed class LessonDraft
    {
        public Guid? LessonId { get; set; }
        public string Title { get; set; } = "";
        public int? Minutes { get; set; } = 10;
        public string Text { get; set; } = "";
        /// <summary>One link a line.</summary>
        public string Videos { get; set; } = "";
    }

    public string Title { get; set; } = "";
    public string Topic { get; set; } = "";
    public HashSet<int> Grades { get; } = [];
    public List<LessonDraft> Lessons { get; } = [new()];

    /// <summary>The content as the API answered it (a course's draft, or its published version to start a new one).</summary>
    public static CourseDraft From(JsonElement content)
    {
        var draft = new CourseDraft { Title = content.Str("title"), Topic = content.Str("topic") };
        foreach (var g in content.Items("targetGrades")) draft.Grades.Add(g.GetInt32());
        draft.Lessons.Clear();
        foreach (var l in content.Items("lessons"))
        {
            draft.Lessons.Add(new LessonDraft
            {
                LessonId = l.Id("lessonId") is var id && id != Guid.Empty ? id : null, Title = l.Str("title"), Minutes = l.Int("durationMinutes"), Text = l.Str("text"),
                Videos = string.Join('\n', l.Items("videoLinks").Select(v => v.GetString())),
            });
        }
        if (draft.Lessons.Count == 0) draft.Lessons.Add(new LessonDraft());
        return draft;
    }

    /// <summary>The body's content fields (a draft adds its scope); what is left empty goes as null, for the API to name.</summary>
    public Dictionary<string, object?> Content() => new()
    {
        ["title"] = J.Blank(Title),
        ["topic"] = J.Blank(Topic),
        ["targetGrades"] = Grades.Order().ToArray(),
        ["lessons"] = Lessons.Select(l => new
        {
            lessonId = l.LessonId,
            title = J.Blank(l.Title),
            durationMinutes = l.Minutes,
            text = J.Blank(l.Text),
            videoLinks = l.Videos.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        }).ToArray(),
    };
}
