using System.Net.Http.Json;
using System.Text.Json;
using JiaoLianTi.Platform.AlliancesReplica;
using JiaoLianTi.Alliances.Contracts;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.TestKit;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace JiaoLianTi.Activities.Tests.Api;

/// <summary>
/// Real time plus an offset the tests move forward: "the day of the activity" without waiting for it. Timers stay
/// real, so the event store's daemon and the broker keep their own pace.
/// </summary>
public sealed class ShiftedClock : TimeProvider
{
    private long offsetTicks;
    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref offsetTicks));
    public void Advance(TimeSpan by) => Interlocked.Add(ref offsetTicks, by.Ticks);
}

/// <summary>One running system for every API test of this assembly, with Activities on a clock the tests move.</summary>
public sealed class ActivitiesSystem : TestSystem
{
    public ShiftedClock Clock { get; } = new();

    public ActivitiesSystem() => Configure("activities", s => s.AddSingleton<TimeProvider>(Clock));

    public IDocumentStore Store => Services("activities").GetRequiredService<IDocumentStore>();

    /// <summary>A school, announced as Alliances would, and known to Activities once this returns.</summary>
    public async Task<Guid> School(string county, string name = "测试学校")
    {
        var id = Guid.NewGuid();
        await PublishAsync(new MemberUnitRegistered(id, MemberUnitKinds.School, name, county, DateTimeOffset.UtcNow));
        await Known<KnownUnit>(id);
        return id;
    }

    /// <summary>A resource published in an alliance, known to Activities once this returns.</summary>
    public async Task<Guid> Resource(string county, int capacity, Guid? unitId = null)
    {
        var id = Guid.NewGuid();
        await PublishAsync(new ResourcePublished(id, Guid.NewGuid(), unitId ?? Guid.NewGuid(), "Venue", "四川科技馆研学基地",
            [Pairings.VenueSchool], capacity, county, DateTimeOffset.UtcNow));
        await Known<KnownResource>(id);
        return id;
    }

    public async Task<T> Known<T>(Guid id, Func<T, bool>? done = null) where T : class
    {
        var found = await Eventually.Until(async () =>
        {
            await using var session = Store.QuerySession();
            return await session.LoadAsync<T>(id);
        }, d => d is not null && (done?.Invoke(d) ?? true));
        Assert.True(found is not null && (done?.Invoke(found) ?? true), $"{typeof(T).Name} {id} did not arrive");
        return found!;
    }

    public HttpClient Staff(string county, Guid school, Role role = Role.SchoolAdmin) => Client(role, county, schoolId: school);

    /// <summary>A parent whose children go to <paramref name="school"/>: the identity provider names the children's
    /// school on the token, and a registration takes the school from there.</summary>
    public HttpClient Parent(string region, Guid school, params Guid[] children) =>
        Client(new TokenRequest(Role.Parent, region, school, Subject: $"parent-{Guid.NewGuid():N}", Children: children));
}

[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<ActivitiesSystem>
{
    public const string Name = "activities-system";
}

/// <summary>Activities' own reading of a field: any JSON value as text (TestKit's <c>Str</c> reads strings only).</summary>
internal static class Json
{
    public static string Str(this JsonElement e, string name) => e.GetProperty(name).ToString();
}
