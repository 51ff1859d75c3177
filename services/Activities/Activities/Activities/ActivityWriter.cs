using JiaoLianTi.Platform.Http;
using Marten;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JiaoLianTi.Activities.Activities;

/// <summary>The group-commit writer of activities' streams (see <see cref="GroupCommitWriter{TState}"/>).</summary>
public sealed class ActivityWriter(IDocumentStore store, ILogger<ActivityWriter> logger)
    : GroupCommitWriter<Activity>(store, logger, Scope.NotFound)
{
    /// <summary>
    /// Platform's write step (<see cref="Platform.EventStore.StreamWrites"/>) in the activity's lane, for a command on
    /// the activity itself: the endpoint has authorised the caller and put If-Match in the command (the decider answers
    /// 412 if the revision moved on); this decides and appends in the group commit and answers the activity as it now
    /// is, with its revision as the ETag.
    /// </summary>
    public async Task<Ok<ActivityView>> Change(
        HttpContext http, IQuerySession session, Guid activityId, Func<Activity, IReadOnlyList<object>> decide, CancellationToken ct)
    {
        var revision = await Submit(activityId, decide, (state, _) => state.Revision);
        return http.Changed((await session.LoadAsync<ActivityView>(activityId, ct))!, revision);
    }

    /// <summary>
    /// The same for a command on one registration: answers what <paramref name="answer"/> reads from the activity right
    /// after the commit, with <paramref name="version"/> of it as the ETag.
    /// </summary>
    public async Task<Ok<TAnswer>> Change<TAnswer>(
        HttpContext http, Guid activityId, Func<Activity, IReadOnlyList<object>> decide, Func<Activity, TAnswer> answer,
        Func<TAnswer, long> version)
    {
        var after = await Submit(activityId, decide, (state, _) => answer(state));
        return http.Changed(after, version(after));
    }
}
