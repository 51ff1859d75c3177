using JiaoLianTi.Platform.Identity;
using Xunit;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace JiaoLianTi.Subscriptions.Tests;

/// <summary>
/// The whole system with the subscriptions service, once for this project. Webhook retries start at 200 ms and
/// stay under 2 s here, and a delivery failing for 10 s is parked: the rule (backoff, then parked) is the one of
/// production (5 s doubling to 1 h, parked after 25 h), faster.
/// </summary>
public sealed class SubscriptionsSystem : TestSystem
{
    public SubscriptionsSystem()
    {
        WithSubscriptions();
        WithSetting("Webhooks:FirstRetry", "00:00:00.200");
        WithSetting("Webhooks:MaxRetry", "00:00:02");
        WithSetting("Webhooks:RetryFor", "00:00:10");
        // Replays keep holding live events 2 s after reading the feeds, so that events committed meanwhile are held
        // and released (the hand-over by id), not only read from the feeds.
        WithSetting("Replay:HoldLonger", "00:00:02");
    }

    public HttpClient Officer(Department department, string region) =>
        Client(new TokenRequest(Role.DepartmentOfficer, region, Subject: $"officer-{Guid.NewGuid():N}", Department: department));

    public HttpClient Admin(string region) => Client(region.Length switch
    {
        2 => Role.ProvinceAdmin,
        4 => Role.CityAdmin,
        _ => Role.CountyAdmin,
    }, region);
}

[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<SubscriptionsSystem>
{
    public const string Name = "system";
}
