using System.Security.Cryptography;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Subscriptions.Catalogue;

namespace JiaoLianTi.Subscriptions.Subscriptions;

public sealed record RequestSubscription(
    Guid SubscriptionId, string Name, Department Department, string OwnerRegion, string RequestedBy, DeliveryKind Delivery,
    SubscriptionScope Scope, string? Purpose, DateTimeOffset Now);

public sealed record ChangeSubscription(SubscriptionScope Scope, string By, DateTimeOffset Now);

public sealed record ApproveSubscription(string By, Role Role, string Region, string? LegalBasis, DateTimeOffset Now);

public sealed record RejectSubscription(string By, string Reason, DateTimeOffset Now);

public sealed record PauseSubscription(string By, DateTimeOffset Now);

public sealed record ResumeSubscription(string By, DateTimeOffset Now);

public sealed record RevokeSubscription(string By, string Reason, DateTimeOffset Now);

public sealed record RotateWebhookSecret(string By, DateTimeOffset Now);

public sealed record RequestReplay(Guid ReplayId, DateTimeOffset Since, string By, DateTimeOffset Now);

/// <summary>The rules of a subscription's life: request → approve (or reject) → pause/resume/change → revoke.</summary>
public static class SubscriptionDecider
{
    /// <summary>How long the previous webhook secret still signs after a rotation.</summary>
    public static readonly TimeSpan SecretOverlap = TimeSpan.FromHours(24);

    public static IReadOnlyList<object> Decide(RequestSubscription c) =>
    [
        new SubscriptionRequested(c.SubscriptionId, c.Name, c.Department, c.OwnerRegion, c.RequestedBy, c.Delivery, c.Scope,
            c.Purpose, c.Delivery == DeliveryKind.Webhook ? NewSecret() : null, c.Now),
    ];

    public static IReadOnlyList<object> Decide(ChangeSubscription c, Subscription s)
    {
        Live(s, "change");
        if (s.Scope is not null && SameScope(s.Scope, c.Scope) && s.Pending is null)
        {
            return [];
        }
        return [new SubscriptionChangeRequested(s.Id, c.Scope, c.By, c.Now)];
    }

    public static IReadOnlyList<object> Decide(ApproveSubscription c, Subscription s)
    {
        Live(s, "approve");
        var pending = s.Pending ?? throw new RuleViolation("nothing-to-approve", "没有待审批的申请 / There is no request or change awaiting approval.");
        if (NeedsLegalBasis(pending) && string.IsNullOrWhiteSpace(c.LegalBasis))
        {
            throw new ValidationFailed(new Dictionary<string, string[]>
            {
                ["legalBasis"] = ["护校安园和心链网络的事件须写明法律依据 / CampusSafety's and Wellbeing's events need the legal basis stated"],
            });
        }
        return [new SubscriptionApproved(s.Id, pending, c.By, c.Role, c.Region, c.LegalBasis?.Trim(), c.Now)];
    }

    public static IReadOnlyList<object> Decide(RejectSubscription c, Subscription s)
    {
        Live(s, "reject");
        if (s.Pending is null)
        {
            throw new RuleViolation("nothing-to-reject", "没有待审批的申请 / There is no request or change awaiting approval.");
        }
        return [new SubscriptionRejected(s.Id, c.By, c.Reason, c.Now)];
    }

    public static IReadOnlyList<object> Decide(PauseSubscription c, Subscription s) => s.Status switch
    {
        SubscriptionStatus.Paused => [],
        SubscriptionStatus.Active => [new SubscriptionPaused(s.Id, c.By, c.Now)],
        _ => throw new RuleViolation("not-active", "只有生效的订阅可以暂停 / Only an active subscription can be paused."),
    };

    public static IReadOnlyList<object> Decide(ResumeSubscription c, Subscription s) => s.Status switch
    {
        SubscriptionStatus.Active => [],
        SubscriptionStatus.Paused => [new SubscriptionResumed(s.Id, c.By, c.Now)],
        _ => throw new RuleViolation("not-paused", "只有暂停的订阅可以恢复 / Only a paused subscription can be resumed."),
    };

    public static IReadOnlyList<object> Decide(RevokeSubscription c, Subscription s) => s.Status switch
    {
        SubscriptionStatus.Revoked => [],
        SubscriptionStatus.Rejected => throw new RuleViolation("rejected", "已驳回的申请无需撤销 / A rejected request has nothing to revoke."),
        _ => [new SubscriptionRevoked(s.Id, c.By, c.Reason, c.Now)],
    };

    public static IReadOnlyList<object> Decide(RotateWebhookSecret c, Subscription s)
    {
        Live(s, "rotate");
        if (s.Delivery != DeliveryKind.Webhook)
        {
            throw new RuleViolation("not-webhook", "只有 Webhook 订阅有签名密钥 / Only a webhook subscription has a signing secret.");
        }
        return [new WebhookSecretRotated(s.Id, NewSecret(), c.By, c.Now + SecretOverlap, c.Now)];
    }

    public static IReadOnlyList<object> Decide(RequestReplay c, Subscription s)
    {
        if (s.Status != SubscriptionStatus.Active || s.Scope is null)
        {
            throw new RuleViolation("not-active", "只有生效的订阅可以回放 / Only an active subscription can replay.");
        }
        if (c.Since > c.Now)
        {
            throw new ValidationFailed(new Dictionary<string, string[]> { ["since"] = ["不能晚于现在 / must not be in the future"] });
        }
        if (s.Replays.Any(r => r.CompletedAt is null))
        {
            throw new RuleViolation("replay-running", "上一次回放尚未完成 / The previous replay is still running.");
        }
        return [new ReplayRequested(s.Id, c.ReplayId, c.Since, c.By, c.Now)];
    }

    public static bool NeedsLegalBasis(SubscriptionScope scope) =>
        scope.EventTypes.Any(t => EventCatalogue.Find(t)?.NeedsLegalBasis == true);

    /// <summary>A Standard Webhooks secret: <c>whsec_</c> and 32 random bytes in base64.</summary>
    public static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static void Live(Subscription s, string what)
    {
        if (s.Status is SubscriptionStatus.Rejected or SubscriptionStatus.Revoked)
        {
            throw new RuleViolation("ended", $"订阅已结束（{s.Status}），不能再{Chinese(what)} / The subscription has ended ({s.Status}): it cannot {what}.");
        }
    }

    private static string Chinese(string what) => what switch
    {
        "change" => "变更", "approve" => "审批", "reject" => "驳回", "rotate" => "轮换密钥", _ => what,
    };

    private static bool SameScope(SubscriptionScope a, SubscriptionScope b) =>
        a.Region == b.Region && a.WebhookUrl == b.WebhookUrl && a.EventTypes.Order().SequenceEqual(b.EventTypes.Order());
}
