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

    private static Func<T, object, T> Applier(MethodInfo apply) =>
        (Func<T, object, T>)typeof(Evolution<T>).GetMethod(nameof(Typed), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(apply.GetParameters()[0].ParameterType).Invoke(null, [apply])!;

    private static Func<T, object, T> Typed<TEvent>(MethodInfo apply)
    {
        var typed = apply.CreateDelegate<Func<T, TEvent, T>>();
        return (state, @event) => typed(state, (TEvent)@event);
    }
}
