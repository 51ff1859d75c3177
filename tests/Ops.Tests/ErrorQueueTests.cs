using System.Net;
using System.Text.Json;
using JiaoLianTi.Alliances.Contracts;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Platform.Observability;
using JiaoLianTi.TestKit;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace JiaoLianTi.Ops.Tests;

/// <summary>
/// A consumer made to fail puts its message in the error queue; the operator lists it through the gateway (type,
/// id, first error, time, attempts, never the payload), retries it after the fix (applied once) or discards one with
/// a reason; both are recorded in the operations log; and meanwhile /health says Degraded.
/// </summary>
[Collection(OpsCollection.Name)]
public sealed class ErrorQueueTests(OpsSystem system)
{
    private const string Errors = "/api/activities/operations/errors";
    private HttpClient Operator() => system.Client(new TokenRequest(Role.Operator, "51", Subject: "ops-zhang"));

    [Fact]
    public async Task A_failed_message_is_listed_retried_once_after_the_fix_and_another_discarded_with_a_reason()
    {
        using var measured = new Measurements();
        var (fixedLater, thrownAway) = (Guid.NewGuid(), Guid.NewGuid());
        var (firstId, secondId) = (Guid.NewGuid(), Guid.NewGuid());
        OpsSystem.Broken[fixedLater] = true;
        OpsSystem.Broken[thrownAway] = true;
        const string secret = "某学生家长投诉细节";
        await system.PublishAsync(new ResourceWithdrawn(fixedLater, Guid.NewGuid(), secret, DateTimeOffset.UtcNow), firstId);
        await system.PublishAsync(new ResourceWithdrawn(thrownAway, Guid.NewGuid(), secret, DateTimeOffset.UtcNow), secondId);

        // After its retries (50 ms … 5 s) each lands in activities_error.
        var listed = await Eventually.Until(async () => await Operator().GetAsync(Errors).Ok(),
            l => l.GetProperty("messages").GetArrayLength() >= 2, TimeSpan.FromSeconds(60));
        Assert.Equal("activities", listed.Str("queue"));
        Assert.Equal("activities_error", listed.Str("errorQueue"));
        var first = Assert.Single(listed.GetProperty("messages").EnumerateArray(), m => m.GetProperty("messageId").GetGuid() == firstId);
        Assert.Equal(nameof(ResourceWithdrawn), first.Str("messageType"));
        Assert.Equal("System.InvalidOperationException", first.Str("errorType"));
        Assert.Contains("injected fault", first.Str("firstError"));
        Assert.Equal(5, first.GetProperty("attempts").GetInt32()); // the first try and four retries
        Assert.True(first.GetProperty("failedAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
        Assert.DoesNotContain(secret, listed.ToString());
        Assert.Equal(2, measured.Sum(OpsMetrics.MessagesConsumed, ("service", "activities"),
            ("messaging.message.type", nameof(ResourceWithdrawn)), ("error.type", "System.InvalidOperationException")));

        // The error queue is not empty: Activities' health is degraded (liveness is not).
        using var probe = new HttpClient { BaseAddress = system.Address("activities") };
        Assert.Equal("Degraded", await Eventually.Until(() => probe.GetStringAsync("/health"), h => h == "Degraded"));
        Assert.Equal("Healthy", await probe.GetStringAsync("/alive"));

        // Only the Operator role; an operator's listing reads no domain data elsewhere either.
        await system.Client(Role.ProvinceAdmin, "51").GetAsync(Errors).ExpectProblem(HttpStatusCode.Forbidden);

        // Fixed, retried: applied exactly once.
        OpsSystem.Broken.TryRemove(fixedLater, out _);
        var retried = await Operator().Post($"{Errors}/{firstId}/retry", null).Ok();
        Assert.Equal(1, retried.GetProperty("count").GetInt32());
        Assert.Equal(1, await Eventually.Until(() => AppliedMarks(fixedLater), n => n >= 1));
        await Operator().Post($"{Errors}/{firstId}/retry", null).ExpectProblem(HttpStatusCode.NotFound);

        // Discarded with a reason (none: 400 naming the field); it is gone and was never applied.
        var refused = await Operator().Post($"{Errors}/{secondId}/discard", new { reason = " " }).ExpectProblem(HttpStatusCode.BadRequest);
        Assert.True(refused.GetProperty("errors").TryGetProperty("reason", out _));
        var discarded = await Operator().Post($"{Errors}/{secondId}/discard", new { reason = "资源已在源头更正 / corrected at the source" }).Ok();
        Assert.Equal("discarded", discarded.Str("action"));
        var after = await Operator().GetAsync(Errors).Ok();
        Assert.DoesNotContain(after.GetProperty("messages").EnumerateArray(), m =>
            m.GetProperty("messageId").GetGuid() == firstId || m.GetProperty("messageId").GetGuid() == secondId);
        Assert.Equal(0, await AppliedMarks(thrownAway));
        Assert.Equal(1, await AppliedMarks(fixedLater));

        // Both actions are events of the operations log, with who and why.
        var log = await Operator().GetAsync("/api/activities/operations/log").Ok();
        var entries = log.EnumerateArray().ToList();
        var retry = Assert.Single(entries, e => e.Str("type") == "failed_message_retried" && e.GetProperty("data").GetProperty("messageId").GetGuid() == firstId);
        Assert.Equal("ops-zhang", retry.GetProperty("data").Str("by"));
        var discard = Assert.Single(entries, e => e.Str("type") == "failed_message_discarded" && e.GetProperty("data").GetProperty("messageId").GetGuid() == secondId);
        Assert.Equal("资源已在源头更正 / corrected at the source", discard.GetProperty("data").Str("reason"));

        // The error queue empty again (nothing else failed in this system): healthy.
        Assert.Equal("Healthy", await Eventually.Until(() => probe.GetStringAsync("/health"), h => h == "Healthy"));
    }

    private async Task<int> AppliedMarks(Guid resource)
    {
        await using var session = system.Services("activities").GetRequiredService<IDocumentStore>().QuerySession();
        return await session.Query<AppliedMark>().CountAsync(m => m.ResourceId == resource);
    }
}

internal static class Expectations
{
    public static async Task<JsonElement> Ok(this Task<HttpResponseMessage> response)
    {
        var answer = await response;
        var body = await answer.ReadJson();
        Assert.True(answer.IsSuccessStatusCode, $"{(int)answer.StatusCode}: {body}");
        return body;
    }

    public static async Task<JsonElement> ExpectProblem(this Task<HttpResponseMessage> response, HttpStatusCode status)
    {
        var answer = await response;
        var body = await answer.ReadJson();
        Assert.True(answer.StatusCode == status, $"{(int)answer.StatusCode} instead of {(int)status}: {body}");
        Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
        return body;
    }
}
