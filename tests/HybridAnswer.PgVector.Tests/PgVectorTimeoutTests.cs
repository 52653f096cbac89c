using System.Diagnostics;
using Npgsql;
using Pgvector.Npgsql;

namespace HybridAnswer.PgVector.Tests;

/// <summary>A lock wait that hits the command timeout is a timeout: reported as such, not retried, not "server unreachable".</summary>
[Collection(PostgresCollection.Name)]
public sealed class PgVectorTimeoutTests(PostgresFixture postgres)
{
    [Fact]
    public async Task RetrieveAsync_TableLockedLongerThanCommandTimeout_TimeoutReportedOnceNotRetried()
    {
        await using var dataSource = await postgres.CreateDatabaseAsync();
        var setup = new PgVectorKnowledgeBase(dataSource, TestEmbedder.Hashing(32));
        await setup.UpsertAsync([new KnowledgeDocument("kettle", "EK-17 kettle", "The kettle boils 1.7 litres in four minutes.")]);

        var builder = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(postgres.PrimaryConnectionString(dataSource)) { CommandTimeout = 2 }.ConnectionString);
        builder.UseVector();
        await using var impatient = builder.Build();
        var knowledgeBase = new PgVectorKnowledgeBase(impatient, TestEmbedder.Hashing(32));
        await knowledgeBase.MigrateAsync();

        await using var holder = await dataSource.OpenConnectionAsync();
        await using var transaction = await holder.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE hybridanswer_chunks IN ACCESS EXCLUSIVE MODE", holder, transaction))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        var started = Stopwatch.GetTimestamp();
        var error = await Assert.ThrowsAsync<PgVectorStoreException>(() => knowledgeBase.RetrieveAsync(new RetrievalRequest("kettle")));
        var elapsed = Stopwatch.GetElapsedTime(started);
        await transaction.RollbackAsync();

        Assert.Contains("timed out", error.Message, StringComparison.Ordinal);
        Assert.True(error.IsTransient);
        Assert.Equal("retrieving", error.Operation);
        Assert.DoesNotContain("could not be reached", error.Message, StringComparison.Ordinal);
        Assert.True(elapsed < TimeSpan.FromSeconds(3.9), $"took {elapsed.TotalSeconds:0.0} s: the timed-out search was retried");

        // The pool was not poisoned: once the lock is gone the same knowledge base answers.
        Assert.Equal("kettle", Assert.Single(await knowledgeBase.RetrieveAsync(new RetrievalRequest("kettle"))).DocumentId);
    }
}
