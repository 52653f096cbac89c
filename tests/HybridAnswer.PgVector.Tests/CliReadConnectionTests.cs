using HybridAnswer.Cli;
using Npgsql;

namespace HybridAnswer.PgVector.Tests;

/// <summary><c>ask --read-connection</c> against the streaming standby of scripts/test.sh.</summary>
[Collection(PostgresCollection.Name)]
public sealed class CliReadConnectionTests(PostgresFixture postgres)
{
    private const string Question = "How much does the KB-450 blender jar hold?";
    private const string Blender = "products/kb-450-blender";

    [Fact]
    public async Task Ask_ReadConnection_SearchesTheStandby()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var primary = postgres.PrimaryConnectionString(dataSource);
        var standby = postgres.StandbyConnectionStringFor(dataSource);
        var samples = PgVectorHybridAnsweringBuilderExtensionsTests.SamplesDirectory();
        var policies = Directory.CreateTempSubdirectory("ha-read-");
        try
        {
            Assert.Equal(0, (await RunAsync("ingest", "--docs", samples, "--connection", primary)).Code);
            await postgres.WaitForStandbyAsync();
            foreach (var file in Directory.GetFiles(Path.Combine(samples, "policies"), "*.md"))
            {
                Directory.CreateDirectory(Path.Combine(policies.FullName, "policies"));
                File.Copy(file, Path.Combine(policies.FullName, "policies", Path.GetFileName(file)));
            }

            // With replay paused, pruning the products on the primary leaves them on the standby only: an answer citing the
            // blender was searched on the standby, one without it on the primary.
            await StandbyAsync("SELECT pg_wal_replay_pause()");
            string fromStandby, fromPrimary;
            try
            {
                Assert.Equal(0, (await RunAsync("ingest", "--docs", policies.FullName, "--connection", primary, "--prune", "--force")).Code);
                var (code, output, error) = await RunAsync("ask", Question, "--connection", primary, "--read-connection", standby, "--json");
                Assert.True(code == 0, error);
                fromStandby = output;
                (code, fromPrimary, error) = await RunAsync("ask", Question, "--connection", primary, "--json");
                Assert.True(code == 0, error);
            }
            finally
            {
                await StandbyAsync("SELECT pg_wal_replay_resume()");
            }

            Assert.Contains(Blender, fromStandby, StringComparison.Ordinal);
            Assert.DoesNotContain(Blender, fromPrimary, StringComparison.Ordinal);
        }
        finally
        {
            policies.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("ask")]
    [InlineData("eval")]
    public async Task ReadConnection_WithoutConnection_UsageError(string command)
    {
        var samples = PgVectorHybridAnsweringBuilderExtensionsTests.SamplesDirectory();
        string[] first = command == "ask" ? ["ask", Question] : ["eval", "--questions", Path.Combine(samples, "questions.jsonl")];
        var (code, _, error) = await RunAsync([.. first, "--docs", samples, "--read-connection", "Host=127.0.0.1"]);

        Assert.Equal(2, code);
        Assert.Contains("--read-connection needs --connection", error, StringComparison.Ordinal);
    }

    private async Task StandbyAsync(string sql)
    {
        var standby = new NpgsqlConnectionStringBuilder(postgres.StandbyConnectionString) { Pooling = false, Database = "postgres" };
        await using var connection = new NpgsqlConnection(standby.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
