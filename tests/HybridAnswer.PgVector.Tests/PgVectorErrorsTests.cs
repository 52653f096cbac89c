using Npgsql;
using Pgvector.Npgsql;

namespace HybridAnswer.PgVector.Tests;

/// <summary>Issue 23 (Also): an exhausted pool is reported as the wait for a pooled connection, not as a lock or statement timeout.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PgVectorErrorsTests(PostgresFixture postgres)
{
    [Fact]
    public async Task CountAsync_PoolExhausted_SaysTheWaitForAPooledConnectionExpired()
    {
        await using var database = await postgres.CreateDatabaseAsync();
        var settings = new NpgsqlConnectionStringBuilder(postgres.PrimaryConnectionString(database)) { MaxPoolSize = 1, Timeout = 1, CommandTimeout = 5 };
        var builder = new NpgsqlDataSourceBuilder(settings.ConnectionString);
        builder.UseVector();
        await using var dataSource = builder.Build();
        await using var knowledgeBase = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Hashing());
        await knowledgeBase.MigrateAsync();
        await using var held = await dataSource.OpenConnectionAsync();

        var e = await Assert.ThrowsAsync<PgVectorStoreException>(() => knowledgeBase.CountAsync());

        Assert.Contains("no pooled connection became free within 1 s", e.Message, StringComparison.Ordinal);
        Assert.Contains("Max Pool Size", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("lock wait", e.Message, StringComparison.Ordinal);
        Assert.True(e.IsTransient);
    }
}
