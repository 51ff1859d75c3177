using JiaoLianTi.TestKit;
using Xunit;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace JiaoLianTi.EndToEnd.Tests;

/// <summary>One running system for every test of this assembly: starting six hosts is the slow part.</summary>
[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<TestSystem>
{
    public const string Name = "system";
}
