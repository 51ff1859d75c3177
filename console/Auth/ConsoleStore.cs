using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace JiaoLianTi.Console.Auth;

/// <summary>
/// The console's own PostgreSQL database (<c>ConnectionStrings:consoledb</c>), shared by every replica: the server-side
/// sessions with their tokens (<see cref="SessionStore"/>) and the ASP.NET Data Protection keys that protect the
/// session cookie and the stored tickets (<see cref="DataProtectionKeys"/>). So any replica accepts a signed-in person,
/// and a restart signs nobody out.
/// </summary>
public sealed class ConsoleStore(NpgsqlDataSource data)
{
    public const string ConnectionName = "consoledb";
    public NpgsqlDataSource Data => data;

    /// <summary>The schema, created once by whichever replica starts first (an advisory lock orders them).</summary>
    public async Task InitializeAsync(CancellationToken ct = default)
    {
        await using var connection = await data.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await Execute(connection, "SELECT pg_advisory_xact_lock(7140101)", ct);
        await Execute(connection, """
            CREATE SCHEMA IF NOT EXISTS console;
            CREATE TABLE IF NOT EXISTS console.sessions (
                key text PRIMARY KEY,
                ticket bytea NOT NULL,
                access_token bytea,
                refresh_token bytea,
                access_expires timestamptz,
                expires timestamptz NOT NULL,
                refreshed_at timestamptz);
            CREATE INDEX IF NOT EXISTS sessions_expires ON console.sessions (expires);
            CREATE TABLE IF NOT EXISTS console.data_protection_keys (
                name text PRIMARY KEY,
                xml text NOT NULL,
                stored_at timestamptz NOT NULL DEFAULT now());
            """, ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>
    /// A key to protect with, made by one replica only: without this, two replicas starting on an empty table would
    /// each make a key and, for a while, not read each other's cookies.
    /// </summary>
    public async Task EnsureKeyAsync(IKeyManager keys, TimeProvider clock, CancellationToken ct = default)
    {
        await using var connection = await data.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await Execute(connection, "SELECT pg_advisory_xact_lock(7140102)", ct);
        var now = clock.GetUtcNow();
        if (!keys.GetAllKeys().Any(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now.AddDays(2)))
        {
            keys.CreateNewKey(now, now.AddDays(90));
        }
        await transaction.CommitAsync(ct);
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>The Data Protection key ring in <c>console.data_protection_keys</c> (every replica reads the same keys).</summary>
public sealed class DataProtectionKeys(NpgsqlDataSource data) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var command = data.CreateCommand("SELECT xml FROM console.data_protection_keys ORDER BY stored_at");
        using var reader = command.ExecuteReader();
        var keys = new List<XElement>();
        while (reader.Read())
        {
            keys.Add(XElement.Parse(reader.GetString(0)));
        }
        return keys;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var command = data.CreateCommand(
            "INSERT INTO console.data_protection_keys (name, xml) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING");
        command.Parameters.AddWithValue(friendlyName);
        command.Parameters.AddWithValue(element.ToString(SaveOptions.DisableFormatting));
        command.ExecuteNonQuery();
    }
}
