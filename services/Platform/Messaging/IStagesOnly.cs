namespace JiaoLianTi.Platform.Messaging;

/// <summary>
/// A consumer whose whole effect is what it stages in the scoped Marten session: it sends nothing, calls nothing
/// outside and keeps nothing in memory (its hooks included). Running it on a duplicate therefore does nothing that
/// outlives the transaction, so <see cref="IdempotencyFilter{T}"/> does not read the message id before it runs: the id's
/// insert, committed with the effect, refuses a duplicate, and only then is the id read (one round trip less for
/// every message, a few more for a duplicate).
/// </summary>
public interface IStagesOnly;

/// <summary>The message types whose consumer in this service is <see cref="IStagesOnly"/> (one consumer a type).</summary>
public sealed class StagesOnlyMessages(IReadOnlySet<Type> types)
{
    public bool Contains(Type messageType) => types.Contains(messageType);

    /// <summary>Those of <paramref name="consumerTypes"/> that stage only, less any type another consumer also takes.</summary>
    public static StagesOnlyMessages Of(IEnumerable<Type> consumerTypes)
    {
        var consumed = consumerTypes
            .SelectMany(c => c.GetInterfaces()
                .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(MassTransit.IConsumer<>))
                .Select(i => (Message: i.GetGenericArguments()[0], StagesOnly: typeof(IStagesOnly).IsAssignableFrom(c))))
            .ToList();
        var others = consumed.Where(c => !c.StagesOnly).Select(c => c.Message).ToHashSet();
        return new StagesOnlyMessages(consumed.Where(c => c.StagesOnly && !others.Contains(c.Message)).Select(c => c.Message).ToHashSet());
    }
}
