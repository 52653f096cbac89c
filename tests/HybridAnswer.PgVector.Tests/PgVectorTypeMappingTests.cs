using HybridAnswer.PgVector;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace HybridAnswer.PgVector.Tests;

/// <summary>
/// A host's data source built without <c>UseVector()</c> (a plain <c>AddNpgsqlDataSource</c>, .NET Aspire's default): the store says
/// so, naming the fix and its namespace, at migration and before the first ingest or search, instead of Npgsql's InvalidCastException
/// on every write and read.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PgVectorTypeMappingTests(PostgresFixture postgres)
{
    [Fact]
    public async Task MigrateAndUpsert_DataSourceWithoutUseVector_ThrowNamingUseVectorAndItsNamespaceAndStoreNothing()
    {
        await using var database = await postgres.CreateDatabaseAsync();
        await using var plain = new NpgsqlDataSourceBuilder(database.ConnectionString).Build();
        await using var knowledgeBase = new PgVectorKnowledgeBase(plain, TestEmbedder.Hashing(16));

        var migrate = await Assert.ThrowsAsync<PgVectorStoreException>(() => knowledgeBase.MigrateAsync());
        AssertNamesTheFix(migrate);

        var upsert = await Assert.ThrowsAsync<PgVectorStoreException>(() => knowledgeBase.UpsertAsync([new KnowledgeDocument("a", "A", "Alpha text.")]));
        AssertNamesTheFix(upsert);
        await using var count = database.CreateCommand("SELECT count(*) FROM hybridanswer_chunks");
        Assert.Equal(0L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Answer_RegisteredDataSourceWithoutUseVector_ThrowsNamingUseVector()
    {
        await using var database = await postgres.CreateDatabaseAsync();
        await using var plain = new NpgsqlDataSourceBuilder(database.ConnectionString).Build();
        var services = new ServiceCollection();
        services.AddSingleton(plain);
        services.AddHybridAnswering().UsePgVector();
        await using var provider = services.BuildServiceProvider();

        var e = await Assert.ThrowsAsync<PgVectorStoreException>(() => provider.GetRequiredService<HybridAnswerer>().AnswerAsync("Do you ship to Canada?"));

        AssertNamesTheFix(e);
    }

    [Fact]
    public async Task Upsert_DataSourceWithUseVector_NoMappingError()
    {
        await using var database = await postgres.CreateDatabaseAsync();
        await using var knowledgeBase = new PgVectorKnowledgeBase(database, TestEmbedder.Hashing(16));

        Assert.Equal(1, (await knowledgeBase.UpsertAsync([new KnowledgeDocument("a", "A", "Alpha text.")])).Added);
    }

    private static void AssertNamesTheFix(PgVectorStoreException e)
    {
        Assert.Contains("UseVector()", e.Message, StringComparison.Ordinal);
        Assert.Contains("namespace Npgsql", e.Message, StringComparison.Ordinal);
        Assert.Contains("Pgvector package", e.Message, StringComparison.Ordinal);
        Assert.False(e.IsTransient);
        Assert.IsType<InvalidCastException>(e.InnerException);
    }
}
