using System.Text.Json;
using HybridAnswer.Cli;

namespace HybridAnswer.PgVector.Tests;

[Collection(PostgresCollection.Name)]
public sealed class CliPgVectorCommandsTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Migrate_ThenIngestTwiceThenPrune_ReportsTheFourCounts()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var connection = dataSource.ConnectionString;
        var samples = PgVectorHybridAnsweringBuilderExtensionsTests.SamplesDirectory();
        var subset = Directory.CreateTempSubdirectory("ha-ingest-");
        try
        {
            var (code, output, _) = await RunAsync("migrate", "--connection", connection);
            Assert.Equal(0, code);
            Assert.Contains("Schema at version 3", output, StringComparison.Ordinal);

            (code, output, _) = await RunAsync("ingest", "--docs", samples, "--connection", connection, "--json");
            Assert.Equal(0, code);
            var total = Directory.GetFiles(samples, "*.md", SearchOption.AllDirectories).Length;
            Assert.Equal(Counts(total, 0, 0, 0), Parse(output));

            (_, output, _) = await RunAsync("ingest", "--docs", samples, "--connection", connection, "--json");
            Assert.Equal(Counts(0, 0, total, 0), Parse(output));

            foreach (var file in Directory.GetFiles(Path.Combine(samples, "products"), "*.md"))
            {
                Directory.CreateDirectory(Path.Combine(subset.FullName, "products"));
                File.Copy(file, Path.Combine(subset.FullName, "products", Path.GetFileName(file)));
            }

            var kept = Directory.GetFiles(subset.FullName, "*.md", SearchOption.AllDirectories).Length;
            // Pruning more than half of the knowledge base needs --force; without it nothing changes.
            var (refused, _, refusal) = await RunAsync("ingest", "--docs", subset.FullName, "--connection", connection, "--prune", "--json");
            Assert.Equal(1, refused);
            Assert.Contains("more than half", refusal, StringComparison.Ordinal);
            (_, output, _) = await RunAsync("ingest", "--docs", samples, "--connection", connection, "--json");
            Assert.Equal(Counts(0, 0, total, 0), Parse(output));

            (_, output, _) = await RunAsync("ingest", "--docs", subset.FullName, "--connection", connection, "--prune", "--force", "--json");
            Assert.Equal(Counts(0, 0, kept, total - kept), Parse(output));

            (code, output, _) = await RunAsync("ask", "How much does the KB-450 blender jar hold?", "--connection", connection, "--json");
            Assert.Equal(0, code);
            Assert.Contains("products/kb-450-blender", output, StringComparison.Ordinal);
        }
        finally
        {
            subset.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Migrate_PrintSql_PrintsIdempotentScriptWithoutConnecting()
    {
        var (code, output, _) = await RunAsync("migrate", "--print-sql", "--dimensions", "768");

        Assert.Equal(0, code);
        Assert.Contains("CREATE EXTENSION IF NOT EXISTS vector;", output, StringComparison.Ordinal);
        Assert.Contains("vector(768)", output, StringComparison.Ordinal);
        Assert.Contains("USING hnsw (embedding vector_cosine_ops)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_UnreachableServer_ExitCode1WithClearMessage()
    {
        var samples = PgVectorHybridAnsweringBuilderExtensionsTests.SamplesDirectory();

        var (code, _, error) = await RunAsync("ingest", "--docs", samples, "--connection", "Host=127.0.0.1;Port=1;Username=postgres;Timeout=2");

        Assert.Equal(1, code);
        Assert.Contains("could not be reached", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_DatabaseWithoutSchema_SaysSoAndCreatesNothing()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();

        var (code, output, error) = await RunAsync("ask", "How much does the KB-450 blender jar hold?", "--connection", dataSource.ConnectionString);

        Assert.Equal(1, code);
        Assert.Equal(string.Empty, output);
        Assert.Contains("public.hybridanswer_chunks does not exist: run 'hybrid-answer migrate'", error, StringComparison.Ordinal);
        await using var tables = dataSource.CreateCommand("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'");
        Assert.Equal(0L, await tables.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Eval_DatabaseWithoutSchema_SaysSoAndCreatesNothing()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var questions = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(questions, "{\"question\": \"How much does the jar hold?\", \"expectedDocuments\": [\"products/kb-450-blender\"]}\n");

            var (code, _, error) = await RunAsync("eval", "--questions", questions, "--connection", dataSource.ConnectionString);

            Assert.Equal(1, code);
            Assert.Contains("does not exist: run 'hybrid-answer migrate'", error, StringComparison.Ordinal);
            await using var tables = dataSource.CreateCommand("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'");
            Assert.Equal(0L, await tables.ExecuteScalarAsync());
        }
        finally
        {
            File.Delete(questions);
        }
    }

    [Fact]
    public async Task Ingest_WithoutConnection_UsageError()
    {
        var (code, _, error) = await RunAsync("ingest", "--docs", PgVectorHybridAnsweringBuilderExtensionsTests.SamplesDirectory());

        Assert.Equal(2, code);
        Assert.Contains("--connection", error, StringComparison.Ordinal);
    }

    internal static Dictionary<string, int> Counts(int added, int updated, int unchanged, int deleted, int failed = 0) =>
        new() { ["added"] = added, ["updated"] = updated, ["unchanged"] = unchanged, ["deleted"] = deleted, ["failed"] = failed };

    internal static Dictionary<string, int> Parse(string json) => JsonSerializer.Deserialize<Dictionary<string, int>>(json)!;

    internal static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
