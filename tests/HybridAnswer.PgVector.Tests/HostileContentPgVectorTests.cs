using System.Text.Json;
using Npgsql;
using static HybridAnswer.PgVector.Tests.CliPgVectorCommandsTests;

namespace HybridAnswer.PgVector.Tests;

/// <summary>Issue 13 on PostgreSQL: per-file ingest outcome and prune guards through the CLI, the hash version (the store-independent cases are HostileContentConformanceTests).</summary>
[Collection(PostgresCollection.Name)]
public sealed class HostileContentPgVectorTests(PostgresFixture postgres) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ha-pg-hostile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Ingest_OneUnreadableFile_OthersIngestedPartialExitAndPruneKeepsItsDocument()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var connection = dataSource.ConnectionString;
        Write("a.md", "# A\n\nAlpha returns within 30 days.");
        Write("b.md", "# B\n\nBeta shipping takes 3 days.");
        Write("c.md", "# C\n\nGamma warranty is two years.");
        var (code, output, error) = await RunAsync("ingest", "--docs", _dir, "--connection", connection, "--json");
        Assert.True(code == 0, error);
        Assert.Equal(Counts(3, 0, 0, 0), Parse(output));

        // b.md goes bad (invalid UTF-8), d.md is new, and a FIFO appears: the good files still ingest.
        File.WriteAllBytes(Path.Combine(_dir, "b.md"), [0x23, 0x20, 0xFF, 0x0A]);
        Write("d.md", "# D\n\nDelta.");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", Path.Combine(_dir, "pipe.md")))
        {
            await mkfifo.WaitForExitAsync();
        }

        (code, output, error) = await RunAsync("ingest", "--docs", _dir, "--connection", connection, "--prune", "--json");

        Assert.Equal(3, code);
        Assert.Equal(Counts(1, 0, 2, 0, failed: 2), Parse(output));
        Assert.Contains("'b.md': is not valid UTF-8", error, StringComparison.Ordinal);
        Assert.Contains("'pipe.md'", error, StringComparison.Ordinal);
        var kb = new PgVectorKnowledgeBase(dataSource, new HashingEmbeddingGenerator());
        Assert.Equal(["a", "b", "c", "d"], (await kb.ListDocumentIdsAsync()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Ingest_PruneDryRun_ListsWhatWouldGoAndChangesNothing()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var connection = dataSource.ConnectionString;
        foreach (var name in new[] { "a", "b", "c" })
        {
            Write(name + ".md", $"# {name}\n\nText of {name}.");
        }

        Assert.Equal(0, (await RunAsync("ingest", "--docs", _dir, "--connection", connection)).Code);
        File.Delete(Path.Combine(_dir, "c.md"));

        var (code, output, error) = await RunAsync("ingest", "--docs", _dir, "--connection", connection, "--prune", "--dry-run", "--json");

        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(["c"], json.RootElement.GetProperty("wouldDelete").EnumerateArray().Select(e => e.GetString()));
        var kb = new PgVectorKnowledgeBase(dataSource, new HashingEmbeddingGenerator());
        Assert.Equal(3L, await kb.CountAsync());

        (code, output, _) = await RunAsync("ingest", "--docs", _dir, "--connection", connection, "--prune", "--dry-run");
        Assert.Equal(0, code);
        Assert.Contains("would delete: c", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("returns # policy", null)]
    [InlineData("returns policy", "acme#")]
    public async Task AnswerAsync_LoneSurrogateInQuestionOrTenant_ClearArgumentExceptionNotEncoderFallback(string question, string? tenant)
    {
        // Attribute arguments are stored as UTF-8, which turns a lone surrogate into U+FFFD: put it in here.
        question = question.Replace("#", "\ud800", StringComparison.Ordinal);
        tenant = tenant?.Replace("#", "\udfff", StringComparison.Ordinal);

        // Issue 23: PostgreSQL threw a raw EncoderFallbackException while sending the parameter; in memory it was answered.
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var kb = new PgVectorKnowledgeBase(dataSource, new HashingEmbeddingGenerator());
        await kb.UpsertAsync([new KnowledgeDocument("returns", "Returns", "Returns policy: 30 days.") { TenantId = "acme" }]);
        var memory = new HybridAnswer.InMemory.InMemoryKnowledgeBase(new HashingEmbeddingGenerator());

        foreach (var retriever in new IRetriever[] { kb, memory })
        {
            var e = await Assert.ThrowsAsync<ArgumentException>(() => retriever.RetrieveAsync(new RetrievalRequest(question) { TenantId = tenant, MinScore = -1 }));
            Assert.Contains("lone UTF-16 surrogate", e.Message, StringComparison.Ordinal);
            Assert.Contains(tenant is null ? "query" : "tenant", e.Message, StringComparison.Ordinal);
        }

        var count = await Assert.ThrowsAsync<ArgumentException>(() => kb.CountAsync(tenant ?? "x\ud800"));
        Assert.Contains("lone UTF-16 surrogate", count.Message, StringComparison.Ordinal);
        Assert.Equal(1L, await kb.CountAsync("acme"));
    }

    [Fact]
    public async Task UpsertAsync_OldFormatHash_RewrittenOnceThenUnchanged()
    {
        // Heading-only documents and metadata edits are the conformance suite's (HostileContentConformanceTests); here, a stored hash
        // of the previous format (plain hex) compares as changed once, then as unchanged.
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var kb = new PgVectorKnowledgeBase(dataSource, new HashingEmbeddingGenerator());
        var heading = new KnowledgeDocument("hours", "Holiday opening hours", "# Holiday opening hours\n\n## Christmas");
        Assert.Equal((1, 0, 0, 0), (await kb.UpsertAsync([heading])).Counts());

        await using (var command = dataSource.CreateCommand("UPDATE hybridanswer_chunks SET content_hash = repeat('ab', 32) WHERE document_id = 'hours'"))
        {
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        Assert.Equal((0, 1, 0, 0), (await kb.UpsertAsync([heading])).Counts());
        Assert.Equal((0, 0, 1, 0), (await kb.UpsertAsync([heading])).Counts());
        var hit = Assert.Single(await kb.RetrieveAsync(new RetrievalRequest("holiday opening hours") { MinScore = -1, TopK = 1 }));
        Assert.Equal("hours", hit.DocumentId);
    }

    private void Write(string relative, string text) => File.WriteAllText(Path.Combine(_dir, relative), text);
}
