using JiaoLianTi.Platform.Identity;

namespace JiaoLianTi.Subscriptions.Subscriptions;

public enum SubscriptionStatus
{
    /// <summary>待审批: requested, not yet approved.</summary>
    Requested,
    /// <summary>生效: approved and delivering.</summary>
    Active,
    /// <summary>暂停: approved, delivering nothing until resumed.</summary>
    Paused,
    /// <summary>已驳回: the request was refused (final).</summary>
    Rejected,
    /// <summary>已撤销: revoked; its queue and broker user are removed (final).</summary>
    Revoked,
}

public sealed record Replay(Guid Id, DateTimeOffset Since, DateTimeOffset RequestedAt, int? Delivered, DateTimeOffset? CompletedAt);

/// <summary>订阅: a departmental system's subscription; the state of its stream, also its inline read model.</summary>
public sealed record Subscription(
    Guid Id, string Name, Department Department, string OwnerRegion, string RequestedBy, DeliveryKind Delivery,
    SubscriptionStatus Status, DateTimeOffset RequestedAt)
{
    public long Version { get; set; }
    /// <summary>What is approved and delivered; null until the first approval.</summary>
    public SubscriptionScope? Scope { get; init; }
    /// <summary>What awaits approval: the first request, or a change.</summary>
    public SubscriptionScope? Pending { get; init; }
    public string? Purpose { get; init; }
    public string? LegalBasis { get; init; }
    public string? ApprovedBy { get; init; }
    public DateTimeOffset? ApprovedAt { get; init; }
    public string? RejectedReason { get; init; }
    public string? RevokedReason { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
    /// <summary>The Standard Webhooks signing secret (<c>whsec_…</c>); shown to the subscriber only.</summary>
    public string? WebhookSecret { get; init; }
    public string? PreviousWebhookSecret { get; init; }
    public DateTimeOffset? PreviousSecretValidUntil { get; init; }
    public IReadOnlyList<Replay> Replays { get; init; } = [];

    /// <summary>The region a request or change is decided on: the pending one, else the approved one.</summary>
    public string DecisionRegion => (Pending ?? Scope)!.Region;

    public bool Delivering => Status == SubscriptionStatus.Active && Scope is not null;

    /// <summary>Its own queue and broker user (AMQP): named after the subscription.</summary>
    public string QueueName => Names.Queue(Id);

    public string BrokerUser => Names.BrokerUser(Id);

    public static Subscription Create(SubscriptionRequested e) =>
        new(e.SubscriptionId, e.Name, e.Department, e.OwnerRegion, e.RequestedBy, e.Delivery, SubscriptionStatus.Requested, e.At)
        {
            Pending = e.Scope, Purpose = e.Purpose, WebhookSecret = e.WebhookSecret,
        };

    public Subscription Apply(SubscriptionChangeRequested e) => this with { Pending = e.Scope };

    public Subscription Apply(SubscriptionApproved e) =>
        this with
        {
            Scope = e.Scope, Pending = null, LegalBasis = e.LegalBasis, ApprovedBy = e.ApprovedBy, ApprovedAt = e.At,
            Status = Status == SubscriptionStatus.Requested ? SubscriptionStatus.Active : Status,
        };

    public Subscription Apply(SubscriptionRejected e) =>
        this with
        {
            Pending = null, RejectedReason = e.Reason,
            Status = Status == SubscriptionStatus.Requested ? SubscriptionStatus.Rejected : Status,
        };

    public Subscription Apply(SubscriptionPaused e) => this with { Status = SubscriptionStatus.Paused };

    public Subscription Apply(SubscriptionResumed e) => this with { Status = SubscriptionStatus.Active };

    public Subscription Apply(SubscriptionRevoked e) =>
        this with { Status = SubscriptionStatus.Revoked, Pending = null, RevokedReason = e.Reason, RevokedAt = e.At };

    public Subscription Apply(WebhookSecretRotated e) =>
        this with { PreviousWebhookSecret = WebhookSecret, PreviousSecretValidUntil = e.PreviousValidUntil, WebhookSecret = e.Secret };

    public Subscription Apply(ReplayRequested e) =>
        this with { Replays = [.. Replays, new Replay(e.ReplayId, e.Since, e.At, null, null)] };

    public Subscription Apply(ReplayCompleted e) =>
        this with { Replays = [.. Replays.Select(r => r.Id == e.ReplayId ? r with { Delivered = e.Delivered, CompletedAt = e.At } : r)] };
}

public static class Names
{
    public static string Queue(Guid subscriptionId) => $"jlt.sub.{subscriptionId:N}";

    public static string BrokerUser(Guid subscriptionId) => $"jlt-sub-{subscriptionId:N}";
}
