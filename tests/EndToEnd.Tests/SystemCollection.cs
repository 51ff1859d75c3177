using JiaoLianTi.TestKit;
using Xunit;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace JiaoLianTi.EndToEnd.Tests;

/// <summary>
/// The whole system as it is deployed: the five services, the subscriptions service (订阅, whose operations are in the
/// gateway's combined OpenAPI document, the fuzz test and the linter's documents too) and the gateway.
/// </summary>
public sealed class EndToEndSystem : TestSystem
{
    public EndToEndSystem() => WithSubscriptions();
}

/// <summary>One running system for every test of this assembly: starting seven hosts is the slow part.</summary>
[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<EndToEndSystem>
{
    public const string Name = "system";
}
