using System.Collections.Frozen;
using System.Reflection;

namespace JiaoLianTi.Platform.EventStore;

/// <summary>
/// Evolves an immutable stream state by one event in memory, with the state's own <c>Apply(event)</c> methods (the ones
/// Marten projects with), found once by reflection: a writer that decides several commands against one loaded state,
/// or answers without reading the state again, needs no hand-written switch that could forget an event.
/// </summary>
public static class Evolution<T> where T : class
{
    private static readonly FrozenDictionary<Type, Func<T, object, T>> Appliers = typeof(T)
        .GetMethods(BindingFlags.Public | BindingFlags.Instance)
        .Where(m => m.Name == "Apply" && m.ReturnType == typeof(T) && m.GetParameters().Length == 1)
        .ToFrozenDictionary(m => m.GetParameters()[0].ParameterType, Applier);

    /// <summary>The state after <paramref name="event"/>. An event <typeparamref name="T"/> has no Apply for is a
    /// mistake, not a no-op: it throws.</summary>
    public static T Apply(T state, object @event) => Appliers.TryGetValue(@event.GetType(), out var apply)
        ? apply(state, @event)
        : throw new InvalidOperationException($"{typeof(T).Name} has no Apply({@event.GetType().Name}).");

    private static readonly FrozenDictionary<Type, Func<object, T>> Creators = typeof(T)
        .GetMethods(BindingFlags.Public | BindingFlags.Static)
        .Where(m => m.Name == "Create" && m.ReturnType == typeof(T) && m.GetParameters().Length == 1)
        .ToFrozenDictionary(m => m.GetParameters()[0].ParameterType, Creator);

    private static readonly PropertyInfo? VersionProperty = typeof(T).GetProperty("Version") is { CanWrite: true } p
        && p.PropertyType == typeof(long) ? p : null;

    /// <summary>
    /// The state a new stream has after <paramref name="events"/>, as its inline snapshot would be (its static
    /// <c>Create(first event)</c>, then <c>Apply</c> for the rest, and <c>Version</c> the number of events), or null
    /// when <typeparamref name="T"/> does not say how (no such Create, or an event without Apply): then read it.
    /// </summary>
    public static T? Start(IReadOnlyList<object> events)
    {
        if (events.Count == 0 || !Creators.TryGetValue(events[0].GetType(), out var create)
            || events.Skip(1).Any(e => !Appliers.ContainsKey(e.GetType())))
        {
            return null;
        }
        var state = events.Skip(1).Aggregate(create(events[0]), Apply);
        VersionProperty?.SetValue(state, (long)events.Count);
        return state;
    }

    private static Func<object, T> Creator(MethodInfo create) =>
        (Func<object, T>)typeof(Evolution<T>).GetMethod(nameof(TypedCreate), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(create.GetParameters()[0].ParameterType).Invoke(null, [create])!;

    private static Func<object, T> TypedCreate<TEvent>(MethodInfo create)
    {
        var typed = create.CreateDelegate<Func<TEvent, T>>();
        return @event => typed((TEvent)@event);
    }

    private static Func<T, object, T> Applier(MethodInfo apply) =>
        (Func<T, object, T>)typeof(Evolution<T>).GetMethod(nameof(Typed), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(apply.GetParameters()[0].ParameterType).Invoke(null, [apply])!;

    private static Func<T, object, T> Typed<TEvent>(MethodInfo apply)
    {
        var typed = apply.CreateDelegate<Func<T, TEvent, T>>();
        return (state, @event) => typed(state, (TEvent)@event);
    }
}
