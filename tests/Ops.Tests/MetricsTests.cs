using System.Net;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Platform.Observability;
using JiaoLianTi.TestKit;
using Xunit;

namespace JiaoLianTi.Ops.Tests;

/// <summary>
/// After a known sequence of commands the instruments show the expected counts: commands by type and outcome,
/// events appended, integration events published (with their lag) and consumed in another service.
/// </summary>
[Collection(OpsCollection.Name)]
public sealed class MetricsTests(OpsSystem system)
{
    private static readonly (string, string) Alliances = ("service", "alliances");

    [Fact]
    public async Task Commands_events_and_messages_are_counted_by_type_and_outcome()
    {
        using var measured = new Measurements();
        var county = "510104";
        var admin = system.Client(Role.CountyAdmin, county);

        var created = await admin.Post("/api/alliances", new { name = "指标测试教联体", kind = "Regional", countyCode = county, leadUnit = "教育局" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.ReadJson()).Id();
        var v1 = created.ETag();
        // invalid: no name
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.Post("/api/alliances", new { kind = "Regional", countyCode = county })).StatusCode);
        // refused by a rule: only a suspended alliance can be re-established
        Assert.Equal(HttpStatusCode.Conflict, (await admin.Post($"/api/alliances/{id}/reestablish", null, v1)).StatusCode);
        // accepted, then a conflict: the same change with the If-Match it had before
        var suspended = await admin.Post($"/api/alliances/{id}/suspend", new { reason = "整顿" }, v1);
        Assert.Equal(HttpStatusCode.OK, suspended.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await admin.Post($"/api/alliances/{id}/suspend", new { reason = "整顿" }, v1)).StatusCode);

        const string establish = "POST /api/alliances/";
        const string suspend = "POST /api/alliances/{id:guid}/suspend";
        const string reestablish = "POST /api/alliances/{id:guid}/reestablish";
        Assert.Equal(1, measured.Sum(OpsMetrics.Commands, Alliances, ("command", establish), ("outcome", "accepted")));
        Assert.Equal(1, measured.Sum(OpsMetrics.Commands, Alliances, ("command", establish), ("outcome", "invalid")));
        Assert.Equal(1, measured.Sum(OpsMetrics.Commands, Alliances, ("command", reestablish), ("outcome", "refused")));
        Assert.Equal(1, measured.Sum(OpsMetrics.Commands, Alliances, ("command", suspend), ("outcome", "accepted")));
        Assert.Equal(1, measured.Sum(OpsMetrics.Commands, Alliances, ("command", suspend), ("outcome", "conflict")));
        Assert.Equal(5, measured.Sum(OpsMetrics.Commands, Alliances));

        // Two events appended in Alliances: established and suspended.
        Assert.Equal(1, measured.Sum(OpsMetrics.EventsAppended, Alliances, ("event_type", "alliance_established")));
        Assert.Equal(1, measured.Sum(OpsMetrics.EventsAppended, Alliances, ("event_type", "alliance_suspended")));

        // Published by Alliances (broker confirmed, with the lag since commit), consumed by Activities.
        var published = await Eventually.Until(() => Task.FromResult(
            measured.Sum(OpsMetrics.MessagesSent, Alliances, ("messaging.message.type", "AllianceSuspended"))), n => n >= 1);
        Assert.Equal(1, published);
        Assert.Equal(1, measured.Sum(OpsMetrics.MessagesSent, Alliances, ("messaging.message.type", "AllianceEstablished")));
        Assert.Equal(2, measured.Count(OpsMetrics.PublishingLag, Alliances));
        var consumed = await Eventually.Until(() => Task.FromResult(measured.Sum(OpsMetrics.MessagesConsumed,
            ("service", "activities"), ("messaging.message.type", "AllianceSuspended"), ("messaging.destination.name", "activities"))), n => n >= 1);
        Assert.Equal(1, consumed);
    }

    [Fact]
    public async Task The_gauges_show_each_projection_and_queue_of_a_service()
    {
        using var measured = new Measurements();
        // The sampler runs every 200 ms here: wait for its first sample of ParentSchool's async projection.
        var lags = await Eventually.Until(() => Task.FromResult(measured.Observe(OpsMetrics.ProjectionLag)),
            l => l.Any(m => m.Tags["service"] == "parentschool" && m.Tags["projection"]!.StartsWith("TopicFigures")));
        Assert.Contains(lags, m => m.Tags["service"] == "parentschool" && m.Tags["kind"] == "projection");
        Assert.Contains(lags, m => m.Tags["service"] == "parentschool" && m.Tags["projection"] == "integration-events:All"
                                   && m.Tags["kind"] == "subscription");
        Assert.DoesNotContain(lags, m => m.Tags["projection"]!.StartsWith("HighWater"));
        // Each service's sampler takes its first sample on its own: wait until every service's queues are in.
        var queues = await Eventually.Until(() => Task.FromResult(measured.Observe(OpsMetrics.QueueMessages)),
            q => TestSystem.ServiceNames.All(service => q.Count(m => m.Tags["service"] == service) >= 2));
        foreach (var service in TestSystem.ServiceNames)
        {
            Assert.Contains(queues, q => q.Tags["service"] == service && q.Tags["messaging.destination.name"] == service && q.Tags["kind"] == "ready");
            Assert.Contains(queues, q => q.Tags["service"] == service && q.Tags["messaging.destination.name"] == $"{service}_error" && q.Tags["kind"] == "error");
        }
    }
}
