namespace JiaoLianTi.Platform.Messaging;

/// <summary>
/// A consumer whose whole effect is what it stages in the scoped Marten session: it sends nothing, calls nothing
/// outside and keeps nothing in memory (its hooks included). Running it on a duplicate therefore does nothing that
/// outlives the transaction, so <see cref="IdempotencyFilter{T}"/> does not read the message id before it runs: the id's
/// insert, committed with the effect, refuses a duplicate, and only then is the id read (one round trip less for
/// every message, a few more for a duplicate).
/// </summary>
public interface IStagesOnly;

/// <summary>
/// A consumer that reads whether its message was applied itself, in a round trip it makes anyway, before it does anything
/// that outlives its transaction (the subscriptions relay: in its hand-over read, before it publishes to a department).
/// As for <see cref="IStagesOnly"/>, <see cref="IdempotencyFilter{T}"/> does not read the id before it runs, and the
/// id's insert at commit refuses a duplicate that raced it; a consumer that finds its message applied stages nothing
/// and says so (<see cref="ConsumerCommitted.AlreadyApplied"/>), and the filter acknowledges and skips it.
/// </summary>
public interface IChecksItsId;

/// <summary>
/// A consumer that commits its message itself, with its id, in a group of messages (<see cref="GroupCommit"/>) when its
/// message type is <see cref="StagesOnlyMessages.CommitsInGroups"/>: it holds no database connection while it waits
/// for its group, so it is not counted against the service's transactions at once (<see cref="OwnTransactions"/>).
/// The replica consumers only stage; the subscriptions relay also publishes, once it has read in its group's
/// hand-over read that its message was not applied before (<see cref="IChecksItsId"/>, <see cref="IGroupReads.AlreadyApplied"/>).
/// </summary>
public interface ICommitsInGroups : IStagesOnly;

/// <summary>
/// The message types whose consumer in this service is <see cref="IStagesOnly"/> or <see cref="IChecksItsId"/>: their ids
/// are checked at commit, not read first (one consumer a type).
/// </summary>
public sealed class StagesOnlyMessages(IReadOnlySet<Type> types, IReadOnlySet<Type>? grouped = null)
{
    public bool Contains(Type messageType) => types.Contains(messageType);

    /// <summary>Whether the one consumer of the type commits in groups (<see cref="ICommitsInGroups"/>).</summary>
    public bool CommitsInGroups(Type messageType) => grouped?.Contains(messageType) == true;

    /// <summary>Those of <paramref name="consumerTypes"/> that stage only, less any type another consumer also takes.</summary>
    public static StagesOnlyMessages Of(IEnumerable<Type> consumerTypes)
    {
        var consumed = consumerTypes
            .SelectMany(c => c.GetInterfaces()
                .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(MassTransit.IConsumer<>))
                .Select(i => (Message: i.GetGenericArguments()[0], StagesOnly: typeof(IStagesOnly).IsAssignableFrom(c) || typeof(IChecksItsId).IsAssignableFrom(c),
                    Grouped: typeof(ICommitsInGroups).IsAssignableFrom(c))))
            .ToList();
        var others = consumed.Where(c => !c.StagesOnly).Select(c => c.Message).ToHashSet();
        var only = consumed.Where(c => c.StagesOnly && !others.Contains(c.Message)).ToList();
        // Two stages-only consumers of one type: the message's own session holds what both staged, and the filter commits it.
        var twice = only.GroupBy(c => c.Message).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        return new StagesOnlyMessages(only.Select(c => c.Message).ToHashSet(),
            only.Where(c => c.Grouped && !twice.Contains(c.Message)).Select(c => c.Message).ToHashSet());
    }
}
