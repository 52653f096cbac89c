using Npgsql;

namespace HybridAnswer.PgVector.Tests;

/// <summary>
/// Issue 26: the data sources the library builds from a connection string skip Npgsql's reset of a pooled connection (a
/// <c>DISCARD ALL</c>-like script run before the next statement of every connection taken from the pool): the store leaves no
/// session state, so the reset is pure cost on every search. These tests hold the store to that: after searches of every regime,
/// an ingest with index builds, a migration and a delete, the one pooled connection has every setting at its server default.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PgVectorPooledConnectionTests(PostgresFixture postgres)
{
    private static readonly string[] Settings =
    [
        "hnsw.ef_search", "hnsw.iterative_scan", "hnsw.max_scan_tuples", "enable_seqscan", "enable_bitmapscan",
        "max_parallel_workers_per_gather", "plan_cache_mode", "maintenance_work_mem", "statement_timeout", "transaction_read_only",
    ];

    [Fact]
    public void Create_ConnectionString_SkipsTheResetOfPooledConnections()
    {
        var (write, read, owned) = PgVectorDataSources.Create("Host=127.0.0.1;Username=u", "Host=127.0.0.2;Username=u");
        try
        {
            Assert.True(new NpgsqlConnectionStringBuilder(write.ConnectionString).NoResetOnClose);
            Assert.True(new NpgsqlConnectionStringBuilder(read.ConnectionString).NoResetOnClose);
        }
        finally
        {
            owned.ToList().ForEach(d => d.Dispose());
        }
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Username=u;No Reset On Close=false")]
    [InlineData("Host=127.0.0.1;Username=u;NoResetOnClose=false")]
    [InlineData("host=127.0.0.1;username=u;no reset on close=False")]
    public void Create_ConnectionStringAsksForTheReset_KeepsIt(string connectionString)
    {
        var (write, _, owned) = PgVectorDataSources.Create(connectionString, null);
        try
        {
            Assert.False(new NpgsqlConnectionStringBuilder(write.ConnectionString).NoResetOnClose);
        }
        finally
        {
            owned.ToList().ForEach(d => d.Dispose());
        }
    }

    [Fact]
    public async Task PooledConnection_AfterEveryKindOfWork_HasEverySettingAtItsDefault()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var _ = database;

        // One connection in the pool, never reset: whatever the store left on it, the probe below reads.
        var single = new NpgsqlConnectionStringBuilder(database.ConnectionString) { MaxPoolSize = 1 }.ConnectionString;
        var (write, read, owned) = PgVectorDataSources.Create(single, null);
        try
        {
            // 60 documents: "rare" 6 rows (ranked exactly), "mid" 18 (30 %: the iterative graph scan), "common" 36 (60 %: broad).
            var documents = Enumerable.Range(0, 60).Select(i => new KnowledgeDocument(
                $"d{i}", $"Document {i}", $"Returns of item {i} are accepted within {i + 10} days.")
            {
                Metadata = new Dictionary<string, string> { ["kind"] = (i % 10) switch { 0 => "rare", <= 3 => "mid", _ => "common" } },
            }).ToList();
            foreach (var kind in new[] { RetrievalKind.Vector, RetrievalKind.Keyword, RetrievalKind.Hybrid })
            {
                var options = new PgVectorKnowledgeBaseOptions { ExactSearchMaxRows = 10, BulkLoadMinChunks = 10, RetrievalKind = kind };
                options.FilterIndexKeys.Add("kind");
                await using var knowledgeBase = new PgVectorKnowledgeBase(write, TestEmbedder.Hashing(), options, null, read, null, []);
                await knowledgeBase.UpsertAsync(documents);
                foreach (var filter in new[] { null, "common", "mid", "rare" })
                {
                    var request = new RetrievalRequest("returns within days") { MinScore = -1 };
                    if (filter is not null)
                    {
                        request = request with { Filter = new Dictionary<string, string> { ["kind"] = filter } };
                    }

                    Assert.NotEmpty(await knowledgeBase.RetrieveAsync(request));
                }

                Assert.Equal(1, await knowledgeBase.DeleteAsync(["d1"]));
                Assert.Empty(await ChangedSettingsAsync(write));
            }
        }
        finally
        {
            owned.ToList().ForEach(d => d.Dispose());
        }
    }

    /// <summary>The settings of <see cref="Settings"/> whose session value differs from the value RESET would give (the server's).</summary>
    private static async Task<IReadOnlyList<string>> ChangedSettingsAsync(NpgsqlDataSource dataSource)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT name || '=' || setting FROM pg_settings WHERE name = ANY($1) AND setting IS DISTINCT FROM reset_val ORDER BY name", connection);
        command.Parameters.AddWithValue(Settings);
        var changed = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            changed.Add(reader.GetString(0));
        }

        return changed;
    }
}
