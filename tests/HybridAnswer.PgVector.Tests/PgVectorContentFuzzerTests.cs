using System.Diagnostics;
using HybridAnswer.Tests.Shared;
using Xunit.Abstractions;

namespace HybridAnswer.PgVector.Tests;

/// <summary>
/// The content fuzzer's ingest invariant (issue 13) on PostgreSQL: the same seeded hostile documents as the in-memory run
/// (tests/Shared/HostileContent.cs) — Unicode digits and brackets, delimiter look-alikes, bidi and zero-width characters, huge
/// runs, ambiguous metadata, multi-valued metadata, now and then an invalid document — upserted into two tenants of one table.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PgVectorContentFuzzerTests(PostgresFixture postgres, ITestOutputHelper output)
{
    [Theory]
    [InlineData(PgVectorStorage.Float32)]
    [InlineData(PgVectorStorage.Float16)]
    public async Task Ingest_HostileDocumentsInTwoTenants_OnlyChangedDocumentsChangeAndNothingCrossesTenants(PgVectorStorage storage)
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var kb = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Hashing(64), new() { MultiTenant = true, VectorStorage = storage });
        var rounds = Math.Max(4, HostileContent.Scale / 100);
        var watch = Stopwatch.StartNew();

        var documents = await HostileContent.IngestAsync(kb, new Random(HostileContent.Seed + 4), rounds);

        output.WriteLine($"seed {HostileContent.Seed}: {documents} documents upserted into PostgreSQL ({storage}) in {rounds * 2} batches in {watch.ElapsedMilliseconds} ms");
        Assert.True(documents >= rounds * 2, $"only {documents} documents in {rounds * 2} batches");
    }
}
