using JiaoLianTi.Wellbeing.Contracts;
using Marten;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace JiaoLianTi.Platform.PersonalData;

/// <summary>
/// What a service adds to a child's erasure besides destroying the child's keys (Wellbeing closes the child's record,
/// for example). Runs in the same session, committed with the key deletion and the message id.
/// </summary>
public interface IChildErasureHook
{
    Task ErasingAsync(ChildErasureRequested request, IDocumentSession session, CancellationToken ct);
}

/// <summary>
/// Every service's part of a child's erasure (docs/design.md 17): destroys every data key of the child in this
/// service's vault, so that nothing it holds of the child can be shown again, then runs the service's hooks. Events,
/// counts and audit entries stay. Stages only: the idempotency filter commits.
/// </summary>
public sealed class ChildErasureConsumer(
    IDocumentSession session, IEnumerable<IChildErasureHook> hooks, ILogger<ChildErasureConsumer> logger)
    : IConsumer<ChildErasureRequested>
{
    public async Task Consume(ConsumeContext<ChildErasureRequested> context)
    {
        var request = context.Message;
        PersonalDataVault.EraseKeysOf(session, request.StudentId);
        foreach (var hook in hooks)
        {
            await hook.ErasingAsync(request, session, context.CancellationToken);
        }
        logger.LogInformation("儿童个人数据已删除 / Erased the personal data of a child (request {RequestId})", request.RequestId);
    }
}

public static class PersonalDataExtensions
{
    /// <summary>
    /// The vault's master key (from configuration unless a key-management service's <see cref="IMasterKey"/> was
    /// registered first). Read when the service starts: without a key it does not start.
    /// </summary>
    public static IHostApplicationBuilder AddPersonalDataVault(this IHostApplicationBuilder builder)
    {
        if (!builder.Services.Any(d => d.ServiceType == typeof(IMasterKey)))
        {
            builder.Services.TryAddSingleton<IMasterKey>(ConfiguredMasterKey.From(builder.Configuration));
        }
        return builder;
    }

    /// <summary>The table of data keys (<c>mt_doc_personkey</c>), by person.</summary>
    public static StoreOptions AddPersonalDataVault(this StoreOptions options)
    {
        options.Schema.For<PersonKey>().Index(k => k.PersonId);
        return options;
    }

    /// <summary>Consumes <see cref="ChildErasureRequested"/>: every service that keeps a child's data registers it.</summary>
    public static IBusRegistrationConfigurator AddChildErasure(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<ChildErasureConsumer>();
        return bus;
    }

    public static IServiceCollection AddChildErasureHook<THook>(this IServiceCollection services) where THook : class, IChildErasureHook =>
        services.AddScoped<IChildErasureHook, THook>();
}
