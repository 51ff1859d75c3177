using JiaoLianTi.TestKit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace JiaoLianTi.CampusSafety.Tests;

/// <summary>
/// The whole system, once for this project, with CampusSafety on a controlled clock. The clock starts at the real
/// time (tokens are minted by the real clock) and is never moved by tests: a test that needs the future runs a
/// periodic check at the moment it chooses (<c>RunCheckAsync(now)</c>), so the background loops never fire here.
/// </summary>
public sealed class CampusSafetySystem : TestSystem
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public CampusSafetySystem()
    {
        Configure("campussafety", services => services.AddSingleton<TimeProvider>(Clock));
    }

    public IServiceProvider CampusSafety => Services("campussafety");
}

[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<CampusSafetySystem>
{
    public const string Name = "system";
}
