using JiaoLianTi.Platform.Identity;

namespace JiaoLianTi.Subscriptions.Subscriptions;

/// <summary>How a department's system receives its events.</summary>
public enum DeliveryKind
{
    /// <summary>Its own durable RabbitMQ queue, read with its own broker user.</summary>
    Amqp,
    /// <summary>Signed CloudEvents POSTed to its HTTPS endpoint (Standard Webhooks).</summary>
    Webhook,
}

/// <summary>What a subscription delivers: which event types, of which region (a division-code prefix), where to.</summary>
public sealed record SubscriptionScope(IReadOnlyList<string> EventTypes, string Region, string? WebhookUrl);

// The subscription's stream: every step of its life is an event (docs/subscriptions.md).

public sealed record SubscriptionRequested(
    Guid SubscriptionId, string Name, Department Department, string OwnerRegion, string RequestedBy, DeliveryKind Delivery,
    SubscriptionScope Scope, string? Purpose, string? WebhookSecret, DateTimeOffset At);

/// <summary>A change of an active (or paused) subscription: the approved scope keeps running until this is approved.</summary>
public sealed record SubscriptionChangeRequested(Guid SubscriptionId, SubscriptionScope Scope, string RequestedBy, DateTimeOffset At);

public sealed record SubscriptionApproved(
    Guid SubscriptionId, SubscriptionScope Scope, string ApprovedBy, Role ApproverRole, string ApproverRegion, string? LegalBasis,
    DateTimeOffset At);

/// <summary>A request (or a requested change) refused; a refused change leaves the approved scope running.</summary>
public sealed record SubscriptionRejected(Guid SubscriptionId, string RejectedBy, string Reason, DateTimeOffset At);

public sealed record SubscriptionPaused(Guid SubscriptionId, string By, DateTimeOffset At);

public sealed record SubscriptionResumed(Guid SubscriptionId, string By, DateTimeOffset At);

public sealed record SubscriptionRevoked(Guid SubscriptionId, string By, string Reason, DateTimeOffset At);

/// <summary>A new signing secret; the previous one still signs beside it until <paramref name="PreviousValidUntil"/>.</summary>
public sealed record WebhookSecretRotated(Guid SubscriptionId, string Secret, string By, DateTimeOffset PreviousValidUntil, DateTimeOffset At);

/// <summary>The subscriber asked for everything since <paramref name="Since"/> (from the owning services' event stores).</summary>
public sealed record ReplayRequested(Guid SubscriptionId, Guid ReplayId, DateTimeOffset Since, string By, DateTimeOffset At);

public sealed record ReplayCompleted(Guid SubscriptionId, Guid ReplayId, int Delivered, DateTimeOffset At);
