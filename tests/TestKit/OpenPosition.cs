using Marten;
using Marten.Services;
using Npgsql;

namespace JiaoLianTi.TestKit;

/// <summary>
/// A transaction kept open in a service's event store, holding one position (sequence number) taken and not yet
/// committed: what a command in flight looks like to the store's readers. Events committed meanwhile sit above it.
/// The event it appends (<see cref="PositionHeldOpen"/>) is the tests' own: no service maps it, so it never leaves.
/// Keep it short: while it is open, what the daemon reads (the publisher's page, async projections) can wait below it.
/// </summary>
public sealed class OpenPosition : IAsyncDisposable
{
    private readonly NpgsqlConnection connection;
    private readonly NpgsqlTransaction transaction;

    private OpenPosition(NpgsqlConnection connection, NpgsqlTransaction transaction) =>
        (this.connection, this.transaction) = (connection, transaction);

    /// <summary>An event of the tests only, in a stream of its own.</summary>
    public sealed record PositionHeldOpen(string Why);

    public static async Task<OpenPosition> TakeAsync(IDocumentStore store)
    {
        var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using (var session = store.LightweightSession(SessionOptions.ForTransaction(transaction)))
        {
            session.Events.StartStream(Guid.NewGuid(), new PositionHeldOpen("一个尚未提交的事务 / a transaction not committed yet"));
            await session.SaveChangesAsync();
        }
        return new OpenPosition(connection, transaction);
    }

    public Task CommitAsync() => transaction.CommitAsync();

    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }
}
