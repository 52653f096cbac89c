using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;

namespace HybridAnswer.PgVector.Tests;

/// <summary>
/// Issue 23, failure 5: during a primary outage a process that starts then (a new <c>ask</c>, a restarted service) answers from the
/// standby: the schema is checked where the search reads, and the health check says "can answer, cannot write" (Degraded).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PrimaryOutageTests(PostgresFixture postgres)
{
    [Fact]
    public async Task NewProcessDuringPrimaryOutage_AnswersFromTheStandbyHealthDegradedCanAnswerNotWrite()
    {
        await using var database = await postgres.CreateDatabaseAsync();
        var primary = postgres.PrimaryConnectionString(database);
        var standby = postgres.StandbyConnectionStringFor(database);
        await using (var bootstrap = new PgVectorKnowledgeBase(database, TestEmbedder.Hashing()))
        {
            await bootstrap.UpsertAsync([new KnowledgeDocument("returns", "Returns", "Items can be returned within 30 days of delivery.")]);
        }

        await postgres.WaitForStandbyAsync();
        IReadOnlyList<RetrievedChunk> hits;
        HealthReportEntry health;
        PgVectorStoreException write;
        await postgres.StopServerAsync();
        try
        {
            // As `ask --connection P --read-connection S` builds it: AutoMigrate off, the schema checked before the first search.
            var (w, r, owned) = PgVectorDataSources.Create(primary, standby);
            await using (var fresh = new PgVectorKnowledgeBase(w, TestEmbedder.Hashing(), new PgVectorKnowledgeBaseOptions { AutoMigrate = false }, null, r, NullLogger.Instance, owned))
            {
                hits = await fresh.RetrieveAsync(new RetrievalRequest("return items within days") { MinScore = -1 });
                write = await Assert.ThrowsAsync<PgVectorStoreException>(() => fresh.UpsertAsync([new KnowledgeDocument("new", "New", "New text.")]));
            }

            var services = new ServiceCollection();
            services.AddLogging();
            services.AddHybridAnswering().UsePgVector(primary, o =>
            {
                o.AutoMigrate = false;
                o.ReadConnectionString = standby;
                o.Dimensions = 64; // as TestEmbedder.Hashing() built the table

            });
            services.AddHealthChecks().AddPgVectorKnowledgeBase();
            await using var provider = services.BuildServiceProvider();
            health = (await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries[PgVectorHealthChecksBuilderExtensions.DefaultName];
        }
        finally
        {
            await postgres.StartServerAsync();
        }

        Assert.Equal("returns", Assert.Single(hits).DocumentId);
        Assert.True(write.IsTransient);
        Assert.True(health.Status == HealthStatus.Degraded, $"{health.Status}: {health.Description}");
        Assert.Equal(true, health.Data["canAnswer"]);
        Assert.Equal(false, health.Data["canWrite"]);
        Assert.Contains("primary", health.Description, StringComparison.OrdinalIgnoreCase);
    }
}
