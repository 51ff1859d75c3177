using JiaoLianTi.Alliances.Contracts;
using JiaoLianTi.Platform.AlliancesReplica;
using JiaoLianTi.Platform.Messaging;
using JiaoLianTi.TestKit;
using Marten;
using Npgsql;
using Xunit;

namespace JiaoLianTi.Platform.Tests;

/// <summary>
/// Group commits (issue 20): the replica's facts waiting at the same moment are committed in one transaction, each with
/// its message id, on the real broker and PostgreSQL. A message's transaction is read from PostgreSQL itself: rows
/// committed together carry the same <c>xmin</c>.
/// </summary>
[Collection(ReplicaCollection.Name)]
public sealed class GroupCommitTests(ReplicaHost replica)
{
    private const string County = "510104";
    private static readonly DateTimeOffset T0 = new(2026, 9, 1, 8, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public async Task Units_registered_together_are_committed_many_to_a_transaction_and_each_once()
    {
        var units = Enumerable.Range(0, 80).Select(i => (Unit: Guid.NewGuid(), MessageId: Guid.NewGuid(), Name: $"学校{i}")).ToList();
        using var sizes = new GroupCommitSizes(ReplicaHost.ServiceName);

        await replica.DeliverAll(units.Select(u =>
            ((object)new MemberUnitRegistered(u.Unit, MemberUnitKinds.School, u.Name, County, T0, Version: 1), u.MessageId)));

        foreach (var u in units)
        {
            Assert.Equal(u.Name, (await replica.Load<KnownUnit>(u.Unit))!.Name);
        }
        var transactions = await TransactionsOf(units.Select(u => u.MessageId));
        Assert.Equal(80, transactions.Sum(t => t.Messages));
        // Each unit's document was committed in its message id's transaction: nothing applied apart from its id.
        Assert.Equal(transactions.Count, (await TransactionsOfUnits(units.Select(u => u.Unit))).Count);
        Assert.True(transactions.Count < 80, $"{transactions.Count} transactions for 80 messages: none was grouped");
        // Waiting for a group takes no place among the 8 transactions a service runs at once: a group holds more than 8.
        Assert.True(transactions.Max(t => t.Messages) > MessagingExtensions.DefaultConcurrentMessageLimit,
            $"the largest group held {transactions.Max(t => t.Messages)} messages");
        // What operations see (jlt.group_commit.size): one measurement a transaction, as PostgreSQL saw them.
        var recorded = await Eventually.Until(() => Task.FromResult(sizes.Committed), r => r.Sum() >= 80);
        Assert.Equal(transactions.Select(t => t.Messages).Order(), recorded.Order());
        Assert.Empty(sizes.Split);
    }

    [Fact]
    public async Task A_group_holding_redelivered_messages_applies_the_new_ones_and_skips_the_redelivered()
    {
        var first = Enumerable.Range(0, 20).Select(i => (Unit: Guid.NewGuid(), MessageId: Guid.NewGuid(), Name: $"旧名{i}")).ToList();
        await replica.DeliverAll(first.Select(u =>
            ((object)new MemberUnitRegistered(u.Unit, MemberUnitKinds.School, u.Name, County, T0, Version: 1), u.MessageId)));

        // The same ids again (carrying a newer fact, which a real redelivery never does: only the id decides), mixed
        // with new messages, all at once: the groups that hold a redelivered id cannot commit, and fall back to one by one.
        var fresh = Enumerable.Range(0, 20).Select(i => (Unit: Guid.NewGuid(), MessageId: Guid.NewGuid(), Name: $"新单位{i}")).ToList();
        var again = first.Select(u => ((object)new MemberUnitRegistered(u.Unit, MemberUnitKinds.School, "新名", County, T0.AddDays(1), Version: 2), u.MessageId));
        var mixed = again.Concat(fresh.Select(u =>
            ((object)new MemberUnitRegistered(u.Unit, MemberUnitKinds.Museum, u.Name, County, T0, Version: 1), u.MessageId)));
        await replica.DeliverAll(mixed.OrderBy(_ => Random.Shared.Next()).ToList());

        foreach (var u in first)
        {
            // Acknowledged twice (the second skipped as applied, not faulted towards the error queue), applied once.
            Assert.Equal(2, await Eventually.Until(() => Task.FromResult(replica.Consumed(u.MessageId)), n => n >= 2));
            var known = (await replica.Load<KnownUnit>(u.Unit))!;
            Assert.Equal((u.Name, 1L), (known.Name, known.Version));
        }
        foreach (var u in fresh)
        {
            Assert.Equal(u.Name, (await replica.Load<KnownUnit>(u.Unit))!.Name);
            Assert.Equal(1, replica.Consumed(u.MessageId));
        }
    }

    [Fact]
    public async Task Joins_arriving_with_the_dissolution_all_end_with_it_whatever_the_order()
    {
        // A join reads its alliance, the dissolution the alliance's memberships: facts of one alliance never share a
        // group, so each reads what the one before it committed, not what another only staged beside it.
        var alliance = Guid.NewGuid();
        var units = Enumerable.Range(0, 6).Select(_ => Guid.NewGuid()).ToList();
        var dissolvedAt = T0.AddHours(1);
        var facts = new List<object> { new AllianceDissolved(alliance, County, "合并", dissolvedAt) };
        facts.AddRange(units.Select((unit, i) => new MemberJoined(alliance, unit, MemberUnitKinds.Museum, County, "Member", T0.AddMinutes(i))));
        // Other alliances' facts in the same burst may share the groups.
        facts.AddRange(Enumerable.Range(0, 20).Select(i =>
            new MemberUnitRegistered(Guid.NewGuid(), MemberUnitKinds.School, $"学校{i}", County, T0, Version: 1)));

        await replica.DeliverAll(facts.OrderBy(_ => Random.Shared.Next()).ToList());

        foreach (var unit in units)
        {
            var membership = (await replica.Membership(alliance, unit))!;
            Assert.False(membership.Active);
            Assert.Equal(dissolvedAt, membership.LeftAt);
        }
        Assert.Equal(KnownAllianceStatus.Dissolved, (await replica.Load<KnownAlliance>(alliance))!.Status);
    }

    [Fact]
    public async Task A_fact_the_service_has_hooks_for_commits_in_a_transaction_of_its_own()
    {
        // The hook may read documents no key names, so a withdrawal (this service's hook records it) is never grouped.
        var withdrawals = Enumerable.Range(0, 10).Select(_ => (Resource: Guid.NewGuid(), MessageId: Guid.NewGuid())).ToList();
        var units = Enumerable.Range(0, 30).Select(_ => (Unit: Guid.NewGuid(), MessageId: Guid.NewGuid())).ToList();
        var messages = withdrawals.Select(w => ((object)new ResourceWithdrawn(w.Resource, Guid.NewGuid(), "场地维修", T0), w.MessageId))
            .Concat(units.Select(u => ((object)new MemberUnitRegistered(u.Unit, MemberUnitKinds.School, "学校", County, T0, Version: 1), u.MessageId)));

        await replica.DeliverAll(messages.OrderBy(_ => Random.Shared.Next()).ToList());

        var all = await TransactionsOf(withdrawals.Select(w => w.MessageId).Concat(units.Select(u => u.MessageId)));
        var ofWithdrawals = await TransactionsOf(withdrawals.Select(w => w.MessageId));
        Assert.Equal(10, ofWithdrawals.Count);
        Assert.All(ofWithdrawals, t => Assert.Equal(1, all.Single(a => a.Xmin == t.Xmin).Messages));
        Assert.All(withdrawals, w => Assert.Single(replica.Withdrawals, w.Resource));
        Assert.True(all.Count < 40, $"{all.Count} transactions for 40 messages: none was grouped");
    }

    [Fact]
    public async Task A_document_read_for_a_group_is_still_checked_against_its_version_at_commit()
    {
        // A group reads its documents at once (ReplicaReads, LoadManyAsync) instead of one by one: an update staged on
        // what it read must still fail if another replica changed the document in between, as with LoadAsync.
        var unit = Guid.NewGuid();
        await replica.Deliver(new MemberUnitRegistered(unit, MemberUnitKinds.School, "旧名", County, T0, Version: 1));
        await using var group = replica.Store.LightweightSession();
        var reads = new ReplicaReads();
        reads.Want<KnownUnit>(unit);
        await reads.ReadAsync(group, CancellationToken.None);
        Assert.True(reads.TryGet<KnownUnit>(unit, out var read));

        await replica.Deliver(new MemberUnitRegistered(unit, MemberUnitKinds.School, "另一副本", County, T0.AddDays(1), Version: 2));
        read!.Name = "过时的";
        group.Update(read);
        await Assert.ThrowsAnyAsync<JasperFx.ConcurrencyException>(() => group.SaveChangesAsync());
        Assert.Equal("另一副本", (await replica.Load<KnownUnit>(unit))!.Name);
    }

    private async Task<List<(string Xmin, int Messages)>> TransactionsOf(IEnumerable<Guid> messageIds) =>
        await Xmins("mt_doc_processedmessage", messageIds);

    private async Task<List<(string Xmin, int Messages)>> TransactionsOfUnits(IEnumerable<Guid> units) =>
        await Xmins("mt_doc_knownunit", units);

    private async Task<List<(string Xmin, int Messages)>> Xmins(string table, IEnumerable<Guid> ids)
    {
        await using var connection = new NpgsqlConnection(replica.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select xmin::text, count(*)::int from jlt.{table} where id = any(@ids) group by 1", connection);
        command.Parameters.AddWithValue("ids", ids.ToArray());
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, int)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetInt32(1)));
        }
        return rows;
    }
}
