using JiaoLianTi.ParentSchool.Courses;
using JiaoLianTi.Platform.Http;

namespace JiaoLianTi.ParentSchool.Library;

/// <summary>资源库 item kinds.</summary>
public enum LibraryItemKind { Article, Video, Guide }

public enum LibraryItemStatus { Published, Retired }

public record LibraryItemPublished(
    Guid ItemId, LibraryItemKind Kind, string Title, CourseTopic Topic, int[] TargetGrades, CourseScope Scope,
    string RegionCode, Guid? SchoolId, string Summary, string? Body, string? Link, string Author, DateTimeOffset At);

public record LibraryItemRetired(Guid ItemId, string RetiredBy, DateTimeOffset At);

/// <summary>资源库: an article, video or guide; the stream's state and inline read model.</summary>
public sealed record LibraryItem(
    Guid Id, LibraryItemKind Kind, string Title, CourseTopic Topic, int[] TargetGrades, CourseScope Scope,
    string RegionCode, Guid? SchoolId, string Summary, string? Body, string? Link, string Author,
    LibraryItemStatus Status, DateTimeOffset PublishedAt, DateTimeOffset? RetiredAt)
{
    public long Version { get; set; }

    public static LibraryItem Create(LibraryItemPublished e) =>
        new(e.ItemId, e.Kind, e.Title, e.Topic, e.TargetGrades, e.Scope, e.RegionCode, e.SchoolId, e.Summary, e.Body,
            e.Link, e.Author, LibraryItemStatus.Published, e.At, null);

    public LibraryItem Apply(LibraryItemRetired e) => this with { Status = LibraryItemStatus.Retired, RetiredAt = e.At };
}

public record RetireLibraryItem(Guid ItemId, string By, DateTimeOffset Now);

public static class LibraryItemDecider
{
    public static IReadOnlyList<object> Decide(LibraryItemPublished command, LibraryItem? state) => state switch
    {
        null => [command],
        _ => throw new RuleViolation("item-exists", "资源已存在 / The library item already exists."),
    };

    public static IReadOnlyList<object> Decide(RetireLibraryItem command, LibraryItem state) => state.Status switch
    {
        LibraryItemStatus.Retired => throw new RuleViolation("item-retired", "资源已下架 / The library item is already retired."),
        _ => [new LibraryItemRetired(command.ItemId, command.By, command.Now)],
    };
}
