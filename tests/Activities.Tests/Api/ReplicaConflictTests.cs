using JiaoLianTi.Activities.Activities;
using JiaoLianTi.Activities.Registrations;
using Marten;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;
using static JiaoLianTi.Activities.Tests.Api.Drive;

namespace JiaoLianTi.Activities.Tests.Api;

/// <summary>
/// Two replicas, each with its own activity writer, register for the same activity at once: their batches collide on
/// the stream's version, the loser decides again on the fresh state, and the seats still add up.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class ReplicaConflictTests(ActivitiesSystem system)
{
    [Fact]
    public async Task Two_writers_on_one_activity_never_overbook_and_keep_one_order()
    {
        var school = await system.School(Jinjiang);
        using var staff = system.Staff(Jinjiang, school);
        var id = await OpenLecture(staff, seats: 50);
        using var first = new ActivityWriter(system.Store, NullLogger<ActivityWriter>.Instance);
        using var second = new ActivityWriter(system.Store, NullLogger<ActivityWriter>.Instance);
        var student = new StudentDetails("学生", DateOnly.FromDateTime(DateTime.UtcNow).AddYears(-15), school, null, null, null);

        var registrations = Enumerable.Range(0, 400).Select(i =>
        {
            var writer = i % 2 == 0 ? first : second;
            var studentId = Guid.NewGuid();
            return Task.Run(() => writer.Submit(id,
                state => RegistrationDecider.Decide(new Register(id, studentId, student, "replica-test", DateTimeOffset.UtcNow), state),
                (state, _) => state.Roster[studentId].Status));
        }).ToArray();
        var answers = await Task.WhenAll(registrations);

        Assert.True(first.Retries + second.Retries > 0, "the two writers' batches should have collided at least once");
        Assert.Equal(50, answers.Count(a => a == RegistrationStatus.Confirmed));
        Assert.Equal(350, answers.Count(a => a == RegistrationStatus.Waitlisted));
        await using var session = system.Store.QuerySession();
        var stored = (await session.Query<StudentRegistration>().Where(r => r.ActivityId == id).ToListAsync())
            .OrderBy(r => r.Sequence).ToList();
        Assert.Equal(Enumerable.Range(1, 400).Select(i => (long)i), stored.Select(r => r.Sequence));
        Assert.All(stored.Take(50), r => Assert.Equal(RegistrationStatus.Confirmed, r.Status));
        Assert.All(stored.Skip(50), r => Assert.Equal(RegistrationStatus.Waitlisted, r.Status));
    }
}
