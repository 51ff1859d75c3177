using System.Reflection;

namespace JiaoLianTi.CampusSafety.Tests.Deciders;

/// <summary>Given these events, the state as the stream's own Create/Apply makes it (as Marten does).</summary>
internal static class Given
{
    public static T State<T>(params object[] events) where T : class
    {
        var create = typeof(T).GetMethod("Create", BindingFlags.Public | BindingFlags.Static, [events[0].GetType()])
            ?? throw new InvalidOperationException($"{typeof(T).Name} has no Create({events[0].GetType().Name})");
        var state = (T)create.Invoke(null, [events[0]])!;
        foreach (var e in events.Skip(1))
        {
            var apply = typeof(T).GetMethod("Apply", [e.GetType()])
                ?? throw new InvalidOperationException($"{typeof(T).Name} has no Apply({e.GetType().Name})");
            state = (T)apply.Invoke(state, [e])!;
        }
        return state;
    }
}
