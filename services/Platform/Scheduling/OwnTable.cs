using Marten;

namespace JiaoLianTi.Platform.Scheduling;

/// <summary>
/// A small table of Platform's own (schema <c>jlt</c>) beside a service's Marten store, created on first use. The
/// creation is serialised by an advisory lock, so that replicas starting together do not race on the catalogue.
/// </summary>
internal sealed class OwnTable(IDocumentStore store, string name, string definition)
{
    private volatile bool created;

    public string Name => name;

    /// <summary>An open connection to the service's database, the table there.</summary>
    public async Task<Npgsql.NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        if (!created)
        {
            await using var create = connection.CreateCommand();
            create.CommandText = $"""
                begin;
                select pg_advisory_xact_lock(hashtext('{name}'));
                create schema if not exists jlt;
                {definition}
                commit;
                """;
            await create.ExecuteNonQueryAsync(ct);
            created = true;
        }
        return connection;
    }
}
