using System.Security.Cryptography;
using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.Platform.Identity;
using JiaoLianTi.Platform.Messaging;
using JiaoLianTi.Subscriptions.Broker;
using JiaoLianTi.Subscriptions.Catalogue;
using JiaoLianTi.Subscriptions.Webhooks;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.Subscriptions.Subscriptions;

public sealed record RequestSubscriptionRequest(
    string? Name, IReadOnlyList<string>? EventTypes, string? Region, DeliveryKind? Delivery, string? WebhookUrl, string? Purpose);
public sealed record ChangeSubscriptionRequest(IReadOnlyList<string>? EventTypes, string? Region, string? WebhookUrl);
public sealed record ApproveSubscriptionRequest(string? LegalBasis);
public sealed record ReasonRequest(string? Reason);
public sealed record ReplayRequest(DateTimeOffset? Since);

/// <summary>A subscription as callers see it (never its secret).</summary>
public sealed record SubscriptionView(
    Guid Id, string Name, Department Department, string OwnerRegion, string RequestedBy, DeliveryKind Delivery,
    SubscriptionStatus Status, SubscriptionScope? Scope, SubscriptionScope? Pending, string? Purpose, string? LegalBasis,
    string? ApprovedBy, DateTimeOffset? ApprovedAt, string? RejectedReason, string? RevokedReason, DateTimeOffset RequestedAt,
    AmqpEndpoint? Amqp, IReadOnlyList<Replay> Replays, long Version)
{
    /// <summary>
    /// What the broker holds now (AMQP): the version and status it reflects and its bindings; null until the provisioner
    /// first saw the subscription. Its queue and user are there once <see cref="BrokerView.Status"/> is Active or Paused:
    /// only then does <c>POST …/credentials</c> answer (before, 409 <c>not-provisioned</c>).
    /// </summary>
    public BrokerView? Broker { get; init; }
}

/// <summary>Where an AMQP subscriber reads: its queue in this virtual host, as its own user.</summary>
public sealed record AmqpEndpoint(string Queue, string Username, string VirtualHost, string Exchange);

public sealed record BrokerView(long Version, SubscriptionStatus Status, IReadOnlyList<string> Bindings, DateTimeOffset At)
{
    public static BrokerView? Of(Subscription subscription, BrokerState? state) =>
        state is null || subscription.Delivery != DeliveryKind.Amqp ? null : new BrokerView(state.Version, state.Status, state.Bindings, state.At);
}

public sealed record AmqpCredentials(string Host, int Port, string VirtualHost, string Username, string Password, string Queue);

public sealed record WebhookSecretView(string Secret, string? PreviousSecret, DateTimeOffset? PreviousValidUntil);

public sealed record HistoryEntry(long Version, string Event, DateTimeOffset At, object Data);

public sealed record DeliveryView(
    Guid Id, Guid EventId, string EventType, string Division, DeliveryStatus Status, int Attempts, DateTimeOffset CreatedAt,
    DateTimeOffset NextAttemptAt, DateTimeOffset? DeliveredAt, DateTimeOffset? ParkedAt, int? LastStatusCode, string? LastError,
    bool Replayed, string? LastFailure, DateTimeOffset? LastFailedAt);

/// <summary>订阅 / subscriptions of departmental systems to the catalogue's events (docs/subscriptions.md).</summary>
public static class SubscriptionsApi
{
    public static void MapSubscriptionEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/subscriptions").WithTags("Subscriptions 订阅")
            .MapGet("/catalogue", Catalogue).WithSummary("可订阅的事件 / The event types that can be subscribed to");
        // Everything else is for the departments and the education bureaus only: a school, a teacher, a parent or a
        // member unit's officer is refused (403) whatever the id, as a role that may never do this.
        var group = app.MapGroup("/api/subscriptions").WithTags("Subscriptions 订阅").AddEndpointFilter(async (context, next) =>
        {
            var caller = context.HttpContext.Caller();
            if (caller.Role != Role.DepartmentOfficer && !caller.IsAdministration)
            {
                throw new ForbiddenException("订阅只供部门和教育行政部门使用 / Subscriptions are for departments and education bureaus only.");
            }
            return await next(context);
        });
        group.MapPost("/", Request).WithSummary("申请订阅 / A department's officer requests a subscription");
        group.MapGet("/", List).WithSummary("订阅列表 / Subscriptions the caller may see");
        group.MapGet("/{id:guid}", Get).WithSummary("订阅详情 / A subscription");
        group.MapGet("/{id:guid}/history", History).WithSummary("订阅历程 / Every step of a subscription");
        group.MapPost("/{id:guid}/approve", Approve).WithSummary("批准 / The education bureau approves the request or change");
        group.MapPost("/{id:guid}/reject", Reject).WithSummary("驳回 / The education bureau rejects the request or change");
        group.MapPost("/{id:guid}/change", Change).WithSummary("变更（须重新审批） / Change types, region or URL (needs a new approval)");
        group.MapPost("/{id:guid}/pause", Pause).WithSummary("暂停 / Pause deliveries");
        group.MapPost("/{id:guid}/resume", Resume).WithSummary("恢复 / Resume deliveries");
        group.MapPost("/{id:guid}/revoke", Revoke).WithSummary("撤销 / Revoke: its queue and broker user are removed");
        group.MapPost("/{id:guid}/credentials", Credentials).WithSummary("AMQP 账号密码（重置） / A new password for the subscription's broker user");
        group.MapGet("/{id:guid}/secret", Secret).WithSummary("Webhook 签名密钥 / The webhook signing secret");
        group.MapPost("/{id:guid}/secret/rotate", RotateSecret).WithSummary("轮换签名密钥 / Rotate the webhook signing secret");
        group.MapPost("/{id:guid}/replays", Replay).WithSummary("回放 / Replay everything since a date, then the live events");
        group.MapGet("/{id:guid}/deliveries", Deliveries).WithSummary("投递记录 / The webhook delivery log");
        group.MapPost("/{id:guid}/deliveries/{deliveryId:guid}/resend", Resend).WithSummary("重新投递 / Re-send a parked delivery");
    }

    private static Ok<IReadOnlyList<CatalogueEntry>> Catalogue() => TypedResults.Ok(EventCatalogue.Entries);

    private static async Task<Created<SubscriptionView>> Request(
        RequestSubscriptionRequest request, HttpContext http, IDocumentSession session, TimeProvider clock,
        IHostEnvironment environment, BrokerAdmin broker, CancellationToken ct)
    {
        var caller = http.Caller();
        if (caller.Role != Role.DepartmentOfficer || caller.Department is not { } department)
        {
            throw new ForbiddenException("只有部门工作人员可以申请订阅 / Only a department's officer may request a subscription.");
        }
        var validation = new Validation()
            .Required("name", request.Name).MaxLength("name", request.Name, 200)
            .MaxLength("purpose", request.Purpose, 2000)
            .Required("delivery", request.Delivery);
        var scope = ValidScope(validation, caller, request.EventTypes, request.Region, request.Delivery, request.WebhookUrl, environment);
        validation.ThrowIfInvalid();
        var id = Guid.CreateVersion7();
        var events = SubscriptionDecider.Decide(new RequestSubscription(id, request.Name!.Trim(), department, caller.Region,
            caller.Subject, request.Delivery!.Value, scope, request.Purpose?.Trim(), clock.GetUtcNow()));
        return await session.Start<Subscription, SubscriptionView>(http, id, events, $"/api/subscriptions/{id}", s => View(s, broker), ct);
    }

    private static async Task<Ok<Page<SubscriptionView>>> List(
        HttpContext http, IQuerySession session, BrokerAdmin broker, int? page, int? pageSize, SubscriptionStatus? status,
        CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        var all = await session.Query<Subscription>().OrderByDescending(s => s.RequestedAt).ToListAsync(ct);
        var visible = all.Where(s => Sees(caller, s) && (status is null || s.Status == status)).ToList();
        var shown = paging.Of(visible);
        // Each AMQP subscription on the page with what the broker holds for it, so that a list shows whether its queue is
        // ready to connect to (the console's 接入 Connect).
        var amqp = shown.Items.Where(s => s.Delivery == DeliveryKind.Amqp).Select(s => s.Id).ToArray();
        var states = amqp.Length == 0 ? new Dictionary<Guid, BrokerState>()
            : (await session.LoadManyAsync<BrokerState>(ct, amqp)).ToDictionary(b => b.Id);
        return TypedResults.Ok(shown.Map(s => View(s, broker) with { Broker = BrokerView.Of(s, states.GetValueOrDefault(s.Id)) }));
    }

    private static async Task<Results<Ok<SubscriptionView>, StatusCodeHttpResult>> Get(
        Guid id, HttpContext http, IQuerySession session, BrokerAdmin broker, CancellationToken ct)
    {
        var subscription = await Visible(id, http.Caller(), session, ct);
        var state = await session.LoadAsync<BrokerState>(id, ct);
        var view = View(subscription, broker) with
        {
            Broker = BrokerView.Of(subscription, state),
        };
        return http.Versioned(view, subscription.Version);
    }

    private static async Task<Ok<IReadOnlyList<HistoryEntry>>> History(Guid id, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        await Visible(id, http.Caller(), session, ct);
        var events = await session.Events.FetchStreamAsync(id, token: ct);
        return TypedResults.Ok<IReadOnlyList<HistoryEntry>>(events.Select(e => new HistoryEntry(e.Version, e.Data.GetType().Name, e.Timestamp, Redacted(e.Data))).ToList());
    }

    private static Task<Ok<SubscriptionView>> Approve(
        Guid id, ApproveSubscriptionRequest request, HttpContext http, IDocumentSession session, TimeProvider clock,
        BrokerAdmin broker, CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation().MaxLength("legalBasis", request.LegalBasis, 2000).ThrowIfInvalid();
        return Write(session, http, id, broker, s => Approver(caller, s),
            s => SubscriptionDecider.Decide(new ApproveSubscription(caller.Subject, caller.Role, caller.Region, request.LegalBasis, clock.GetUtcNow()), s), ct);
    }

    private static Task<Ok<SubscriptionView>> Reject(
        Guid id, ReasonRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, BrokerAdmin broker, CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation().Required("reason", request.Reason).MaxLength("reason", request.Reason, 2000).ThrowIfInvalid();
        return Write(session, http, id, broker, s => Approver(caller, s),
            s => SubscriptionDecider.Decide(new RejectSubscription(caller.Subject, request.Reason!.Trim(), clock.GetUtcNow()), s), ct);
    }

    private static async Task<Ok<SubscriptionView>> Change(
        Guid id, ChangeSubscriptionRequest request, HttpContext http, IDocumentSession session, TimeProvider clock,
        IHostEnvironment environment, BrokerAdmin broker, CancellationToken ct)
    {
        var caller = http.Caller();
        // The kind of delivery stays: a different kind is a new subscription.
        var current = await Visible(id, caller, session, ct);
        // Who may change it before what they sent: a bureau that reads it is told 403, not 400 about the body.
        Subscriber(caller, current);
        var validation = new Validation();
        var scope = ValidScope(validation, caller, request.EventTypes, request.Region, current.Delivery, request.WebhookUrl, environment);
        validation.ThrowIfInvalid();
        return await Write(session, http, id, broker, s => Subscriber(caller, s),
            s => SubscriptionDecider.Decide(new ChangeSubscription(scope, caller.Subject, clock.GetUtcNow()), s), ct);
    }

    private static Task<Ok<SubscriptionView>> Pause(
        Guid id, HttpContext http, IDocumentSession session, TimeProvider clock, BrokerAdmin broker, CancellationToken ct)
    {
        var caller = http.Caller();
        return Write(session, http, id, broker, s => SubscriberOrApprover(caller, s),
            s => SubscriptionDecider.Decide(new PauseSubscription(caller.Subject, clock.GetUtcNow()), s), ct);
    }

    private static Task<Ok<SubscriptionView>> Resume(
        Guid id, HttpContext http, IDocumentSession session, TimeProvider clock, BrokerAdmin broker, CancellationToken ct)
    {
        var caller = http.Caller();
        return Write(session, http, id, broker, s => SubscriberOrApprover(caller, s),
            s => SubscriptionDecider.Decide(new ResumeSubscription(caller.Subject, clock.GetUtcNow()), s), ct);
    }

    private static Task<Ok<SubscriptionView>> Revoke(
        Guid id, ReasonRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, BrokerAdmin broker, CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation().MaxLength("reason", request.Reason, 2000).ThrowIfInvalid();
        return Write(session, http, id, broker, s => SubscriberOrApprover(caller, s),
            s => SubscriptionDecider.Decide(new RevokeSubscription(caller.Subject, request.Reason?.Trim() ?? "", clock.GetUtcNow()), s), ct);
    }

    /// <summary>
    /// A new password for the subscription's own broker user, shown once (the broker keeps only its hash). Each call
    /// replaces the previous password.
    /// </summary>
    private static async Task<Ok<AmqpCredentials>> Credentials(
        Guid id, HttpContext http, IQuerySession session, BrokerAdmin broker, BrokerAddress address, IConfiguration configuration,
        CancellationToken ct)
    {
        var caller = http.Caller();
        var subscription = await Visible(id, caller, session, ct);
        Subscriber(caller, subscription);
        if (subscription.Delivery != DeliveryKind.Amqp)
        {
            throw new RuleViolation("not-amqp", "只有 AMQP 订阅有账号 / Only an AMQP subscription has a broker user.");
        }
        var state = await session.LoadAsync<BrokerState>(id, ct);
        if (subscription.Status is not (SubscriptionStatus.Active or SubscriptionStatus.Paused) || state is null
            || state.Status is not (SubscriptionStatus.Active or SubscriptionStatus.Paused))
        {
            throw new RuleViolation("not-provisioned", "订阅尚未批准或队列尚未建好，请稍后再试 / The subscription is not approved, or its queue is not ready yet: try again shortly.");
        }
        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
        await broker.PutUser(subscription.BrokerUser, password, ct);
        return TypedResults.Ok(new AmqpCredentials(
            configuration["Broker:PublicHost"] ?? address.Host, configuration.GetValue<int?>("Broker:PublicPort") ?? address.Port,
            address.VirtualHost, subscription.BrokerUser, password, subscription.QueueName));
    }

    private static async Task<Ok<WebhookSecretView>> Secret(Guid id, HttpContext http, IQuerySession session, CancellationToken ct)
    {
        var caller = http.Caller();
        var subscription = await Visible(id, caller, session, ct);
        Subscriber(caller, subscription);
        if (subscription.WebhookSecret is not { } secret)
        {
            throw new RuleViolation("not-webhook", "只有 Webhook 订阅有签名密钥 / Only a webhook subscription has a signing secret.");
        }
        return TypedResults.Ok(new WebhookSecretView(secret, subscription.PreviousWebhookSecret, subscription.PreviousSecretValidUntil));
    }

    private static Task<Ok<SubscriptionView>> RotateSecret(
        Guid id, HttpContext http, IDocumentSession session, TimeProvider clock, BrokerAdmin broker, CancellationToken ct)
    {
        var caller = http.Caller();
        return Write(session, http, id, broker, s => Subscriber(caller, s),
            s => SubscriptionDecider.Decide(new RotateWebhookSecret(caller.Subject, clock.GetUtcNow()), s), ct);
    }

    private static Task<Ok<SubscriptionView>> Replay(
        Guid id, ReplayRequest request, HttpContext http, IDocumentSession session, TimeProvider clock, BrokerAdmin broker, CancellationToken ct)
    {
        var caller = http.Caller();
        new Validation().Required("since", request.Since).ThrowIfInvalid();
        return Write(session, http, id, broker, s => Subscriber(caller, s),
            s => SubscriptionDecider.Decide(new RequestReplay(Guid.CreateVersion7(), request.Since!.Value, caller.Subject, clock.GetUtcNow()), s), ct);
    }

    private static async Task<Ok<Page<DeliveryView>>> Deliveries(
        Guid id, HttpContext http, IQuerySession session, int? page, int? pageSize, DeliveryStatus? status, CancellationToken ct)
    {
        var caller = http.Caller();
        var paging = Paging.From(page, pageSize);
        var subscription = await Visible(id, caller, session, ct);
        SubscriberOrApprover(caller, subscription);
        var query = session.Query<WebhookDelivery>().Where(d => d.SubscriptionId == id);
        if (status is { } s) query = query.Where(d => d.Status == s);
        var found = await query.OrderBy(d => d.Sequence).ToPageAsync(paging, ct);
        return TypedResults.Ok(found.Map(ViewOf));
    }

    private static async Task<Ok<DeliveryView>> Resend(
        Guid id, Guid deliveryId, HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.Caller();
        var subscription = await Visible(id, caller, session, ct);
        Subscriber(caller, subscription);
        var delivery = await session.LoadAsync<WebhookDelivery>(deliveryId, ct);
        if (delivery is null || delivery.SubscriptionId != id)
        {
            throw new NotFoundException($"未找到投递 / Delivery {deliveryId} was not found.");
        }
        if (delivery.Status != DeliveryStatus.Parked)
        {
            throw new RuleViolation("not-parked", "只有已搁置的投递可以重新投递 / Only a parked delivery can be re-sent.");
        }
        var now = clock.GetUtcNow();
        delivery.Status = DeliveryStatus.Pending;
        delivery.ParkedAt = null;
        delivery.FailingSince = null;
        delivery.NextAttemptAt = now;
        session.Update(delivery);
        await session.SaveChangesAsync(ct);
        return TypedResults.Ok(ViewOf(delivery));
    }

    private static DeliveryView ViewOf(WebhookDelivery d) => new(d.Id, d.EventId, d.EventType, d.Division, d.Status, d.Attempts,
        d.CreatedAt, d.NextAttemptAt, d.DeliveredAt, d.ParkedAt, d.LastStatusCode, d.LastError, d.Replayed, d.LastFailure, d.LastFailedAt);

    private static Task<Ok<SubscriptionView>> Write(
        IDocumentSession session, HttpContext http, Guid id, BrokerAdmin broker, Action<Subscription> authorise,
        Func<Subscription, IReadOnlyList<object>> decide, CancellationToken ct)
    {
        var caller = http.Caller();
        return session.Change<Subscription, SubscriptionView>(http, id, s =>
        {
            if (!Sees(caller, s))
            {
                throw NotFound(id);
            }
            authorise(s);
        }, decide, s => View(s, broker), ct);
    }

    /// <summary>
    /// Types from the catalogue, a region inside the caller's, and for a webhook an https URL (http only to loopback,
    /// and only in Development). Each fault is named by its field.
    /// </summary>
    private static SubscriptionScope ValidScope(Validation validation, Caller caller, IReadOnlyList<string>? types, string? region,
        DeliveryKind? delivery, string? webhookUrl, IHostEnvironment environment)
    {
        validation.Check(types is { Count: > 0 }, "eventTypes", "至少选择一种事件 / name at least one event type");
        var unknown = (types ?? []).Where(t => !EventCatalogue.Contains(t)).ToList();
        validation.Check(unknown.Count == 0, "eventTypes",
            $"不在事件目录中 / not in the event catalogue: {string.Join(", ", unknown.Take(10))}");
        validation.Check((types?.Count ?? 0) <= 100, "eventTypes", "至多 100 种 / at most 100 event types");
        validation.Required("region", region);
        if (region is not null)
        {
            validation.Check(Regions.IsRegionPrefix(region), "region", "须为 2、4 或 6 位行政区划代码 / must be a 2, 4 or 6 digit division code");
            validation.Check(!Regions.IsRegionPrefix(region) || caller.Covers(region), "region",
                $"不在你的区域（{caller.Region}）内 / is outside your region ({caller.Region})");
        }
        if (delivery == DeliveryKind.Webhook)
        {
            validation.Required("webhookUrl", webhookUrl).MaxLength("webhookUrl", webhookUrl, 2000);
            if (!string.IsNullOrWhiteSpace(webhookUrl))
            {
                var ok = Uri.TryCreate(webhookUrl, UriKind.Absolute, out var url)
                    && string.IsNullOrEmpty(url.UserInfo)
                    && (url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback && environment.IsDevelopment()));
                validation.Check(ok, "webhookUrl", environment.IsDevelopment()
                    ? "须为 https 地址（开发环境下本机可用 http） / must be an https URL (http only to loopback in Development)"
                    : "须为 https 地址 / must be an https URL");
            }
        }
        else
        {
            validation.Check(webhookUrl is null, "webhookUrl", "只有 Webhook 订阅有地址 / only a webhook subscription has a URL");
        }
        return new SubscriptionScope(types?.Distinct(StringComparer.Ordinal).ToList() ?? [], region ?? "", webhookUrl);
    }

    /// <summary>
    /// Who sees a subscription: the officers of its department over the requester's region, and the education bureau
    /// (county, city, province) over its region. Anyone else: it does not exist (404).
    /// </summary>
    private static bool Sees(Caller caller, Subscription s) => caller.Role switch
    {
        Role.DepartmentOfficer => caller.Department == s.Department && caller.Covers(s.OwnerRegion),
        Role.CountyAdmin or Role.CityAdmin or Role.ProvinceAdmin =>
            caller.Covers(s.DecisionRegion) || (s.Scope is { } scope && caller.Covers(scope.Region)),
        _ => false,
    };

    /// <summary>The data owner: the education bureau at the level of the region asked for, or above it.</summary>
    private static void Approver(Caller caller, Subscription s)
    {
        if (!caller.IsAdministration || !caller.Covers(s.DecisionRegion))
        {
            throw new ForbiddenException("只有同级或上级教育行政部门可以审批 / Only the education bureau at the region's level or above may decide.");
        }
    }

    private static void Subscriber(Caller caller, Subscription s)
    {
        if (caller.Role != Role.DepartmentOfficer)
        {
            throw new ForbiddenException("只有订阅的部门可以这样做 / Only the subscribing department may do this.");
        }
    }

    private static void SubscriberOrApprover(Caller caller, Subscription s)
    {
        if (caller.Role != Role.DepartmentOfficer)
        {
            Approver(caller, s);
        }
    }

    private static async Task<Subscription> Visible(Guid id, Caller caller, IQuerySession session, CancellationToken ct)
    {
        var subscription = await session.LoadAsync<Subscription>(id, ct);
        return subscription is not null && Sees(caller, subscription) ? subscription : throw NotFound(id);
    }

    private static NotFoundException NotFound(Guid id) => new($"未找到订阅 / Subscription {id} was not found.");

    private static SubscriptionView View(Subscription s, BrokerAdmin broker) => new(
        s.Id, s.Name, s.Department, s.OwnerRegion, s.RequestedBy, s.Delivery, s.Status, s.Scope, s.Pending, s.Purpose, s.LegalBasis,
        s.ApprovedBy, s.ApprovedAt, s.RejectedReason, s.RevokedReason, s.RequestedAt,
        s.Delivery == DeliveryKind.Amqp ? new AmqpEndpoint(s.QueueName, s.BrokerUser, broker.VirtualHost, DepartmentExchange.Name) : null,
        s.Replays, s.Version);

    private static object Redacted(object data) => data switch
    {
        SubscriptionRequested e => e with { WebhookSecret = e.WebhookSecret is null ? null : "whsec_…" },
        WebhookSecretRotated e => e with { Secret = "whsec_…" },
        _ => data,
    };
}
