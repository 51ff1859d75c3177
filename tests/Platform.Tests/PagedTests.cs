using JiaoLianTi.Platform.EventStore;
using JiaoLianTi.Platform.Http;
using JiaoLianTi.TestKit;
using Marten;
using Marten.Services;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Xunit;

namespace JiaoLianTi.Platform.Tests;

/// <summary>
/// A list's page and its total (<see cref="Paged.ToPageAsync{T}"/>) on the real PostgreSQL: the page is read without
/// <c>count(*) over ()</c>, so an index in its order serves it; the total comes from the last page itself (one
/// statement) or from a count of its own, and is right on every page, past the end too.
/// </summary>
public sealed class PagedTests : IAsyncLifetime
{
    private IHost host = null!;
    private IDocumentStore store = null!;

    public async Task InitializeAsync()
    {
        var servers = await TestServers.GetAsync();
        var connectionString = await servers.CreateDatabaseAsync($"paged{Guid.NewGuid():N}"[..20]);
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:pageddb"] = connectionString;
        builder.Configuration["Logging:LogLevel:Default"] = "Warning";
        builder.AddEventStore("pageddb", options => options.Schema.For<Entry>().Index(e => e.Rank));
        host = builder.Build();
        store = host.Services.GetRequiredService<IDocumentStore>();
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await using var session = store.LightweightSession();
        // Seven in list "a" (ranks 1..7, stored out of order), three in list "b".
        foreach (var rank in new[] { 5, 2, 7, 1, 6, 3, 4 })
        {
            session.Store(new Entry { Id = Guid.NewGuid(), List = "a", Rank = rank });
        }
        for (var rank = 1; rank <= 3; rank++)
        {
            session.Store(new Entry { Id = Guid.NewGuid(), List = "b", Rank = rank });
        }
        await session.SaveChangesAsync();
    }

    public Task DisposeAsync()
    {
        host.Dispose();
        return Task.CompletedTask;
    }

    [Theory]
    // page, size: the ranks on the page, the total, and how many statements it took
    [InlineData(1, 3, new[] { 1, 2, 3 }, 2)] // a full page: counted apart
    [InlineData(2, 3, new[] { 4, 5, 6 }, 2)]
    [InlineData(3, 3, new[] { 7 }, 1)] // the last page, shorter: its end is the total
    [InlineData(4, 3, new int[0], 2)] // past the end: nothing on it, so counted
    [InlineData(1, 10, new[] { 1, 2, 3, 4, 5, 6, 7 }, 1)] // the whole list on one page
    [InlineData(1, 7, new[] { 1, 2, 3, 4, 5, 6, 7 }, 2)] // exactly a page: cannot tell it is the end, so counted
    public async Task Each_page_holds_its_items_in_order_and_the_total_of_the_list(int page, int size, int[] ranks, int statements)
    {
        await using var session = store.QuerySession();
        var recorder = new Statements();
        session.Logger = recorder;
        var found = await session.Query<Entry>().Where(e => e.List == "a").OrderBy(e => e.Rank)
            .ToPageAsync(new Paging(page, size), CancellationToken.None);

        Assert.Equal(ranks, found.Items.Select(e => e.Rank));
        Assert.Equal(7, found.Total);
        Assert.Equal((page, size), (found.PageNumber, found.PageSize));
        Assert.Equal(statements, recorder.Texts.Count);
        Assert.DoesNotContain(recorder.Texts, t => t.Contains("over(", StringComparison.OrdinalIgnoreCase) || t.Contains("over (", StringComparison.OrdinalIgnoreCase));
        if (statements == 2)
        {
            // The count leaves the order out (an aggregate cannot be ordered by a column).
            Assert.Contains("count(", recorder.Texts[1], StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("order by", recorder.Texts[1], StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task An_empty_list_has_no_items_and_a_total_of_0_in_one_statement()
    {
        await using var session = store.QuerySession();
        var recorder = new Statements();
        session.Logger = recorder;
        var found = await session.Query<Entry>().Where(e => e.List == "none").OrderBy(e => e.Rank)
            .ToPageAsync(new Paging(1, 50), CancellationToken.None);
        Assert.Empty(found.Items);
        Assert.Equal(0, found.Total);
        Assert.Single(recorder.Texts);
    }

    public sealed class Entry
    {
        public Guid Id { get; set; }
        public string List { get; set; } = "";
        public int Rank { get; set; }
    }

    /// <summary>The text of every statement the session ran.</summary>
    private sealed class Statements : IMartenSessionLogger
    {
        public List<string> Texts { get; } = [];

        public void LogSuccess(NpgsqlCommand command) => Texts.Add(command.CommandText);
        public void LogFailure(NpgsqlCommand command, Exception ex) => Texts.Add(command.CommandText);
        public void LogSuccess(NpgsqlBatch batch) => Texts.AddRange(batch.BatchCommands.Cast<NpgsqlBatchCommand>().Select(c => c.CommandText));
        public void LogFailure(NpgsqlBatch batch, Exception ex) => Texts.AddRange(batch.BatchCommands.Cast<NpgsqlBatchCommand>().Select(c => c.CommandText));
        public void LogFailure(Exception ex, string message) { }
        public void RecordSavedChanges(IDocumentSession session, IChangeSet commit) { }
        public void OnBeforeExecute(NpgsqlCommand command) { }
        public void OnBeforeExecute(NpgsqlBatch batch) { }
    }
}
