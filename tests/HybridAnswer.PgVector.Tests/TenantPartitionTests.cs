using System.Globalization;
using HybridAnswer.Cli;
using Npgsql;

namespace HybridAnswer.PgVector.Tests;

/// <summary>Schema version 2: the chunks table hash-partitioned by tenant, an HNSW index on every partition.</summary>
[Collection(PostgresCollection.Name)]
public sealed class TenantPartitionTests(PostgresFixture postgres)
{
    private static KnowledgeDocument Document(string tenant, int i) =>
        new(string.Create(CultureInfo.InvariantCulture, $"doc-{i}"), $"Doc {i}", $"Tenant {tenant} document {i} explains the warranty code wq{i}x.") { TenantId = tenant };

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task MigrateAsync_TenantPartitions_PartitionedTableWithHnswPerPartitionAndTenantsIsolated()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var knowledgeBase = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Hashing(), new() { MultiTenant = true, TenantPartitions = 4 });

        Assert.Equal(3, await knowledgeBase.MigrateAsync());
        Assert.Equal(3, await knowledgeBase.MigrateAsync());
        Assert.Equal(4L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM pg_inherits WHERE inhparent = 'hybridanswer_chunks'::regclass"));
        Assert.Equal(4L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM pg_indexes WHERE tablename LIKE 'hybridanswer_chunks_p%' AND indexdef LIKE '%USING hnsw%'"));

        foreach (var tenant in new[] { "acme", "globex", "initech" })
        {
            await knowledgeBase.UpsertAsync(Enumerable.Range(0, 5).Select(i => Document(tenant, i)));
        }

        var chunks = await knowledgeBase.RetrieveAsync(new RetrievalRequest("warranty code wq3x") { TenantId = "globex" });
        Assert.Equal("doc-3", chunks[0].DocumentId);
        Assert.All(chunks, c => Assert.Equal("globex", c.TenantId));
        Assert.Equal(5, await knowledgeBase.CountAsync("acme"));
        Assert.Equal(1, await knowledgeBase.DeleteAsync(["doc-1"], "acme"));
        Assert.Equal(4, await knowledgeBase.CountAsync("acme"));
        Assert.Equal(5, await knowledgeBase.CountAsync("initech"));

        // The tenant's search touches only its own partition (plan-time or run-time pruning).
        Assert.Equal(1L, await ScalarAsync<long>(dataSource, "SELECT count(DISTINCT tableoid) FROM hybridanswer_chunks WHERE tenant_id = 'globex'"));
    }

    [Fact]
    public async Task MigrateAsync_ExistingUnpartitionedTable_ConvertedWithEveryRow()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var plain = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Hashing(), new() { MultiTenant = true });
        Assert.Equal(3, await plain.MigrateAsync());
        await plain.UpsertAsync(Enumerable.Range(0, 20).Select(i => Document(i % 2 == 0 ? "acme" : "globex", i)));
        var before = await plain.RetrieveAsync(new RetrievalRequest("warranty code wq4x") { TenantId = "acme" });

        var partitioned = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Hashing(), new() { MultiTenant = true, TenantPartitions = 8 });
        Assert.Equal(3, await partitioned.MigrateAsync()); // version 2 applied below the 3 already recorded

        Assert.Equal("p", await ScalarAsync<string>(dataSource, "SELECT relkind::text FROM pg_class WHERE relname = 'hybridanswer_chunks'"));
        Assert.Equal(0L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM pg_class WHERE relname LIKE '%unpartitioned%'"));
        Assert.Equal(10, await partitioned.CountAsync("acme"));
        Assert.Equal(10, await partitioned.CountAsync("globex"));
        var after = await partitioned.RetrieveAsync(new RetrievalRequest("warranty code wq4x") { TenantId = "acme" });
        Assert.Equal(before.Select(c => c.ChunkId), after.Select(c => c.ChunkId));

        // Unchanged content is still recognised after the move (hashes came along).
        var again = await partitioned.UpsertAsync(Enumerable.Range(0, 20).Select(i => Document(i % 2 == 0 ? "acme" : "globex", i)));
        Assert.Equal(20, again.Unchanged);
    }

    [Fact]
    public async Task MigratePrintSql_TenantPartitions_ScriptRunsTwice()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(0, await CliApp.RunAsync(["migrate", "--print-sql", "--dimensions", "16", "--tenant-partitions", "3"], output, error));
        var script = output.ToString();
        Assert.Contains("PARTITION BY HASH (tenant_id)", script, StringComparison.Ordinal);
        Assert.Contains("FOR VALUES WITH (MODULUS 3, REMAINDER 2)", script, StringComparison.Ordinal);

        await using var dataSource = await postgres.CreateDatabaseAsync();
        for (var run = 0; run < 2; run++)
        {
            await using var command = dataSource.CreateCommand(script);
            await command.ExecuteNonQueryAsync();
        }

        Assert.Equal(3L, await ScalarAsync<long>(dataSource, "SELECT count(*) FROM pg_inherits WHERE inhparent = 'hybridanswer_chunks'::regclass"));
        Assert.Equal(3, await ScalarAsync<int>(dataSource, "SELECT max(version) FROM hybridanswer_chunks_schema_version"));
    }
}
