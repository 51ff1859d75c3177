using JiaoLianTi.Alliances.Contracts;
using JiaoLianTi.Platform.AlliancesReplica;
using Xunit;

namespace JiaoLianTi.Platform.Tests;

/// <summary>
/// The one ordering rule of the replica of Alliances' facts: the newer fact wins, whatever the order of arrival and
/// however often a fact is delivered. Facts are published to the real broker in the wrong order, again under the same
/// MessageId (a redelivery) and again under a new one (a second publisher, a retry after a crash).
/// </summary>
[Collection(ReplicaCollection.Name)]
public sealed class AlliancesReplicaTests(ReplicaHost replica)
{
    private const string County = "510104";
    private static readonly DateTimeOffset T0 = new(2026, 9, 1, 8, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public async Task A_join_delivered_after_the_leave_does_not_bring_the_membership_back()
    {
        var (alliance, unit) = (Guid.NewGuid(), Guid.NewGuid());
        var joined = new MemberJoined(alliance, unit, MemberUnitKinds.Hospital, County, "Member", T0, Version: 2);
        var left = new MemberLeft(alliance, unit, T0.AddDays(3), Version: 3);

        await replica.Deliver(left);
        var joinId = Guid.NewGuid();
        await replica.Deliver(joined, joinId);
        await replica.Deliver(joined, joinId);   // redelivered: skipped by its MessageId
        await replica.Deliver(joined);           // the same fact as a new message: older than the leave

        var membership = (await replica.Membership(alliance, unit))!;
        Assert.False(membership.Active);
        Assert.Equal(T0.AddDays(3), membership.LeftAt);
        Assert.Equal(MemberUnitKinds.Hospital, membership.UnitKind);   // what the late join says of the unit is kept
        Assert.Equal(3, membership.Version);
        Assert.Empty(await replica.AlliancesOf(unit));

        // Joining again is a newer fact; the old leave, delivered once more, does not undo it.
        await replica.Deliver(new MemberJoined(alliance, unit, MemberUnitKinds.Hospital, County, "Member", T0.AddDays(5), Version: 4));
        await replica.Deliver(left);
        membership = (await replica.Membership(alliance, unit))!;
        Assert.True(membership.Active);
        Assert.Null(membership.LeftAt);
        Assert.Equal([alliance], await replica.AlliancesOf(unit));
    }

    [Fact]
    public async Task An_establishment_delivered_after_the_dissolution_does_not_establish_it_again()
    {
        var (alliance, school, police) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await replica.Deliver(new MemberJoined(alliance, school, MemberUnitKinds.School, County, "Lead", T0, Version: 2));
        await replica.Deliver(new AllianceDissolved(alliance, County, "合并", T0.AddDays(30), Version: 6));
        await replica.Deliver(new AllianceEstablished(alliance, "锦江区教联体", "Regional", County, "锦江区教育局", T0, Version: 1));
        await replica.Deliver(new MemberJoined(alliance, police, MemberUnitKinds.PoliceStation, County, "Member", T0.AddDays(1), Version: 3));

        var known = (await replica.Load<KnownAlliance>(alliance))!;
        Assert.Equal(KnownAllianceStatus.Dissolved, known.Status);
        Assert.Equal("锦江区教联体", known.Name);   // the older fact fills in what it describes
        Assert.Equal(T0, known.EstablishedAt);
        Assert.False((await replica.Membership(alliance, school))!.Active);
        Assert.False((await replica.Membership(alliance, police))!.Active);
        Assert.Empty(await replica.AlliancesOf(school));
    }

    [Fact]
    public async Task A_publication_delivered_after_the_withdrawal_does_not_reopen_the_resource()
    {
        var (resource, alliance) = (Guid.NewGuid(), Guid.NewGuid());
        var withdrawn = new ResourceWithdrawn(resource, alliance, "闭馆改造", T0.AddDays(2), Version: 2);
        var withdrawalId = Guid.NewGuid();
        await replica.Deliver(withdrawn, withdrawalId);
        await replica.Deliver(new ResourcePublished(resource, alliance, Guid.NewGuid(), "Venue", "科技馆", [Pairings.VenueSchool],
            80, County, T0, Version: 1));
        await replica.Deliver(withdrawn, withdrawalId);

        var known = (await replica.Load<KnownResource>(resource))!;
        Assert.True(known.Withdrawn);
        Assert.Equal("闭馆改造", known.WithdrawnReason);
        Assert.Equal(("科技馆", 80, County), (known.Title, known.Capacity, known.CountyCode));
        Assert.Single(replica.Withdrawals, resource);   // the service's hook ran once, for the applied withdrawal
    }

    [Fact]
    public async Task A_message_id_applied_before_changes_nothing_again_even_with_a_newer_fact()
    {
        // The replica's consumers only stage, so the idempotency filter does not read the id before they run: the
        // second delivery below is applied to the session, and its commit is refused on the id. Only the id decides:
        // the fact it carries here is newer than the replica's, which a real redelivery never is.
        var (unit, messageId) = (Guid.NewGuid(), Guid.NewGuid());
        await replica.Deliver(new MemberUnitRegistered(unit, MemberUnitKinds.School, "旧名", County, T0, Version: 1), messageId);
        await replica.Deliver(new MemberUnitRegistered(unit, MemberUnitKinds.School, "新名", County, T0.AddDays(1), Version: 2), messageId);

        // Deliver returns once the message was consumed (acknowledged), not faulted on its way to the error queue.
        var known = (await replica.Load<KnownUnit>(unit))!;
        Assert.Equal(("旧名", 1L), (known.Name, known.Version));
    }

    [Fact]
    public async Task Without_versions_the_facts_own_times_decide_and_an_ending_wins_a_tie()
    {
        var (alliance, unit, other) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await replica.Deliver(new MemberLeft(alliance, unit, T0.AddHours(1)));
        await replica.Deliver(new MemberJoined(alliance, unit, MemberUnitKinds.Hospital, County, "Member", T0));
        Assert.False((await replica.Membership(alliance, unit))!.Active);

        await replica.Deliver(new MemberJoined(alliance, other, MemberUnitKinds.Hospital, County, "Member", T0));
        await replica.Deliver(new MemberLeft(alliance, other, T0));
        Assert.False((await replica.Membership(alliance, other))!.Active);

        var unitId = Guid.NewGuid();
        await replica.Deliver(new MemberUnitRegistered(unitId, MemberUnitKinds.School, "新名", County, T0.AddDays(1), Version: 2));
        await replica.Deliver(new MemberUnitRegistered(unitId, MemberUnitKinds.School, "旧名", County, T0, Version: 1));
        Assert.Equal("新名", (await replica.Load<KnownUnit>(unitId))!.Name);
    }

    [Fact]
    public async Task Facts_racing_on_the_queue_end_in_the_newest_whatever_the_order()
    {
        var alliance = Guid.NewGuid();
        var units = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()).ToArray();
        var facts = new List<object>();
        foreach (var unit in units)
        {
            // Joined and left five times over; the last fact (version 10) is a join for even units, a leave for odd.
            for (var v = 1; v <= 10; v++)
            {
                var at = T0.AddMinutes(v);
                var even = Array.IndexOf(units, unit) % 2 == 0;
                var join = even ? v % 2 == 0 : v % 2 == 1;
                facts.Add(join
                    ? new MemberJoined(alliance, unit, MemberUnitKinds.Museum, County, "Member", at, Version: v)
                    : new MemberLeft(alliance, unit, at, Version: v));
            }
        }
        var shuffled = facts.OrderBy(_ => Random.Shared.Next()).ToList();
        await replica.DeliverAll(shuffled.Concat(shuffled.Take(10)));   // and some delivered twice

        for (var i = 0; i < units.Length; i++)
        {
            var membership = (await replica.Membership(alliance, units[i]))!;
            Assert.Equal(10, membership.Version);
            Assert.Equal(i % 2 == 0, membership.Active);
        }
    }
}
