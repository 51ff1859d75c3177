using JiaoLianTi.Subscriptions.Relay;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace JiaoLianTi.Subscriptions.Tests.Api;

/// <summary>
/// The relay's cached subscriptions are read again only when their fingerprint changes. With no subscription at all
/// the cache's fingerprint was "" against the database's "0/0", so a province before its first subscription read them
/// again for every event (found by counting statements under load, issue 20).
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class RelayTargetsTests(SubscriptionsSystem system)
{
    [Fact]
    public async Task With_no_subscription_the_cached_fingerprint_is_the_databases()
    {
        var store = system.Services("subscriptions").GetRequiredService<IDocumentStore>();
        var schema = store.Options.DatabaseSchemaName;
        await using var session = store.LightweightSession();
        await session.BeginTransactionAsync(CancellationToken.None);
        // None, inside this transaction only: it is rolled back when the session is disposed.
        await using (var delete = session.Connection!.CreateCommand())
        {
            delete.CommandText = $"delete from {schema}.mt_doc_subscription";
            await delete.ExecuteNonQueryAsync();
        }
        var known = await new WebhookTargets().Load(session, CancellationToken.None);
        await using var fingerprint = session.Connection.CreateCommand();
        fingerprint.CommandText = WebhookTargets.GenerationSql(schema);
        Assert.Equal("0/0", (string?)await fingerprint.ExecuteScalarAsync());
        Assert.Equal("0/0", known.Generation);
        Assert.Empty(known.Webhooks);
        Assert.Empty(known.Queues);
    }

    [Fact]
    public async Task With_subscriptions_the_cached_fingerprint_is_the_databases_and_holds_the_active_ones()
    {
        var county = Subscribers.NewCounty();
        using var officer = system.Officer(Platform.Identity.Department.CivilAffairs, county);
        using var admin = system.Admin(county);
        var hook = (await officer.Request(new
        {
            name = "民政局回执", eventTypes = new[] { "MemberUnitRegistered" }, region = county, delivery = "Webhook",
            webhookUrl = "http://127.0.0.1:9/hook",
        })).Id();
        await admin.Approve(hook, legalBasis: null);
        var store = system.Services("subscriptions").GetRequiredService<IDocumentStore>();
        await using var session = store.LightweightSession();
        await session.BeginTransactionAsync(CancellationToken.None);
        var known = await new WebhookTargets().Load(session, CancellationToken.None);
        await using var fingerprint = session.Connection!.CreateCommand();
        fingerprint.CommandText = WebhookTargets.GenerationSql(store.Options.DatabaseSchemaName);
        Assert.Equal((string?)await fingerprint.ExecuteScalarAsync(), known.Generation);
        Assert.Contains(known.Webhooks, s => s.Id == hook);
        Assert.NotEmpty(known.Matching("MemberUnitRegistered", county));
    }
}
