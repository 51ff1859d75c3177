using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Http;

namespace JiaoLianTi.Activities.Programmes;

/// <summary>
/// 在校生人数: how many students a school has this term, as the school declares it. Activities keeps no list of a
/// school's students (it knows only those registered or enrolled), and Alliances announces schools without a size:
/// the declared number is the denominator of the share enrolled in after-school programmes.
/// </summary>
public record StudentsDeclared(Guid Id, Guid SchoolId, string CountyCode, string Term, int Students, string DeclaredBy, DateTimeOffset At);

/// <summary>One school's declared number of students for one term: the stream's state and its inline read model.</summary>
public sealed record DeclaredStudents(
    Guid Id, Guid SchoolId, string CountyCode, string Term, int Students, string DeclaredBy, DateTimeOffset DeclaredAt)
{
    public const int Max = 50_000;

    public long Version { get; set; }

    public static DeclaredStudents Create(StudentsDeclared e) =>
        new(e.Id, e.SchoolId, e.CountyCode, e.Term, e.Students, e.DeclaredBy, e.At);

    public DeclaredStudents Apply(StudentsDeclared e) => this with { Students = e.Students, DeclaredBy = e.DeclaredBy, DeclaredAt = e.At };

    public static Guid IdFor(Guid schoolId, string term) => NameBasedIds.Create(schoolId, $"students:{term}");
}

public record DeclareStudents(Guid SchoolId, string CountyCode, string Term, int Students, string By, DateTimeOffset Now);

public static class DeclaredStudentsDecider
{
    /// <summary>A term's number may be declared and corrected until the term ends; the same number again changes nothing.</summary>
    public static IReadOnlyList<object> Decide(DeclareStudents c, DeclaredStudents? state)
    {
        var (_, last) = Terms.Range(c.Term);
        if (last < Terms.Today(c.Now))
        {
            throw new RuleViolation("term-ended", $"学期 {c.Term} 已结束 / The term {c.Term} has ended.");
        }
        if (c.Students is < 1 or > DeclaredStudents.Max)
        {
            throw new RuleViolation("students-out-of-range",
                $"在校生人数须在 1 到 {DeclaredStudents.Max} 之间 / The number of students must be between 1 and {DeclaredStudents.Max}.");
        }
        if (state is not null && state.Students == c.Students)
        {
            return [];
        }
        return [new StudentsDeclared(DeclaredStudents.IdFor(c.SchoolId, c.Term), c.SchoolId, c.CountyCode, c.Term, c.Students, c.By, c.Now)];
    }
}
