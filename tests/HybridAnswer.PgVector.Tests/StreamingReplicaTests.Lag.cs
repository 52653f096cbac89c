using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HybridAnswer.PgVector.Tests;

/// <summary>
/// Issue 23, failure 4: a lagging replica (WAL replay paused on the standby). With read-your-writes only the search that needs the
/// caller's own write waits, once; then searches read the primary until the replica catches up.
/// </summary>
public sealed partial class StreamingReplicaTests
{
    [Fact]
    public async Task ReadYourWrites_ReplayPaused_OnlyTheFirstSearchWaitsThenThePrimaryAnswersAtOnce()
    {
        var wait = TimeSpan.FromSeconds(1);
        var (knowledgeBase, _, _) = await KnowledgeBaseAsync(Hosts.SeparateReadConnection, o =>
        {
            o.ReadYourWrites = true;
            o.ReplicaWaitTimeout = wait;
        });
        await using var disposeKnowledgeBase = knowledgeBase;
        await knowledgeBase.UpsertAsync([Manual(1, 1)]);
        await postgres.WaitForStandbyAsync();

        var (found, times) = await WithReplayPausedAsync(async () =>
        {
            await knowledgeBase.UpsertAsync([Manual(7, 1)]);
            var found = new List<bool>();
            var times = new List<TimeSpan>();
            for (var i = 0; i < 5; i++)
            {
                var stopwatch = Stopwatch.StartNew();
                found.Add(await FindsAsync(knowledgeBase, i % 2 == 0 ? 7 : 1));
                times.Add(stopwatch.Elapsed);
            }

            return (found, times);
        });

        output.WriteLine($"search times: {string.Join(", ", times.Select(t => $"{t.TotalMilliseconds:0} ms"))}");
        Assert.All(found, Assert.True);                    // every search saw the write: the primary answered
        Assert.True(times[0] >= wait, $"the first search did not wait for the replica: {times[0]}");
        Assert.All(times.Skip(1), t => Assert.True(t < wait / 2, $"a search waited again for a replica known to be behind: {t}"));
    }

    [Fact]
    public async Task ReadYourWrites_ReplicaCatchesUp_SearchesReadTheReplicaAgain()
    {
        var (knowledgeBase, write, _) = await KnowledgeBaseAsync(Hosts.SeparateReadConnection, o =>
        {
            o.ReadYourWrites = true;
            o.ReplicaWaitTimeout = TimeSpan.FromMilliseconds(200);
        });
        await using var disposeKnowledgeBase = knowledgeBase;

        // Another writer of the same table (on the primary): nothing in the knowledge base under test waits for its writes.
        await using var otherWriter = new PgVectorKnowledgeBase(write, TestEmbedder.Hashing(), chunking: new ChunkingOptions { TargetSize = 300, Overlap = 0 });

        // Behind: the own write is on the primary only; the search that needs it waits, then reads the primary.
        Assert.True(await WithReplayPausedAsync(async () =>
        {
            await knowledgeBase.UpsertAsync([Manual(7, 1)]);
            return await FindsAsync(knowledgeBase, 7);
        }));

        await postgres.WaitForStandbyAsync();

        // Caught up: with replay paused again, a document of the other writer is on the primary only. A search that misses it ran
        // on the replica: the searches are back there (after at most a few re-checks of the replica).
        var backOnReplica = await WithReplayPausedAsync(async () =>
        {
            await otherWriter.UpsertAsync([Manual(1, 1)]);
            return await RetryUntilAsync(async () => !await FindsAsync(knowledgeBase, 1), TimeSpan.FromSeconds(5));
        });
        Assert.True(backOnReplica, "searches never returned to the replica after it caught up");
    }

    [Fact]
    public async Task HealthCheck_ReplicaBehindPastTheThreshold_DegradedWithTheLagInItsData()
    {
        var (knowledgeBase, _, _) = await KnowledgeBaseAsync(Hosts.SeparateReadConnection, o => o.ReplicaLagThreshold = TimeSpan.FromSeconds(1));
        await using var disposeKnowledgeBase = knowledgeBase;
        var check = new PgVectorHealthCheck(() => knowledgeBase);
        var context = new HealthCheckContext { Registration = new HealthCheckRegistration("kb", check, HealthStatus.Unhealthy, null) };
        await postgres.WaitForStandbyAsync();
        var caughtUp = await check.CheckHealthAsync(context);

        var behind = await WithReplayPausedAsync(async () =>
        {
            await knowledgeBase.UpsertAsync([Manual(7, 1)]);
            await Task.Delay(1500);
            return await check.CheckHealthAsync(context);
        });
        await postgres.WaitForStandbyAsync();
        var again = await check.CheckHealthAsync(context);

        output.WriteLine($"{caughtUp.Status} {caughtUp.Data["readReplicaLagSeconds"]} s | {behind.Status} {behind.Description} | {again.Status} {again.Data["readReplicaLagSeconds"]} s");
        Assert.Equal(HealthStatus.Healthy, caughtUp.Status);
        Assert.Equal(0.0, caughtUp.Data["readReplicaLagSeconds"]);
        Assert.Equal(HealthStatus.Degraded, behind.Status);
        Assert.InRange((double)behind.Data["readReplicaLagSeconds"], 1.4, 3600);
        Assert.StartsWith("The read replica is ", behind.Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Healthy, again.Status);
    }

    [Fact]
    public async Task Search_WithoutReadYourWrites_StaleReadsShowOnTheLagGauge()
    {
        var (knowledgeBase, _, _) = await KnowledgeBaseAsync(Hosts.SeparateReadConnection);
        await using var disposeKnowledgeBase = knowledgeBase;
        using var lag = new LagGauge();
        await postgres.WaitForStandbyAsync();

        var (stale, sampled) = await WithReplayPausedAsync(async () =>
        {
            await knowledgeBase.UpsertAsync([Manual(7, 1)]);
            await Task.Delay(1200);
            var stale = !await FindsAsync(knowledgeBase, 7);

            // The search started a background sample of the lag (never awaited by the search).
            var sampled = await RetryUntilAsync(() => Task.FromResult(lag.Values.Any(v => v >= 1)), TimeSpan.FromSeconds(5));
            return (stale, sampled);
        });

        output.WriteLine($"lag samples: {string.Join(", ", lag.Values)}");
        Assert.True(stale);
        Assert.True(sampled, "no lag of a second or more was recorded while the search read a replica that far behind");
    }

    [Fact]
    public async Task UpsertAsync_ServerRefusesTheWalFlush_IngestSucceedsWithItsCommitPosition()
    {
        // The flush after an ingest under synchronous_commit = off is a courtesy to replicas: a server that revoked the function
        // it uses must not turn a committed ingest into a reported failure.
        await using var dataSource = await postgres.CreateDatabaseAsync();
        await new PgVectorKnowledgeBase(dataSource, TestEmbedder.Hashing()).MigrateAsync();
        var role = $"ha_writer_{Guid.NewGuid():N}";
        await ExecuteAsync(dataSource,
            $"CREATE ROLE {role} LOGIN; GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}; GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {role}; " +
            "REVOKE EXECUTE ON FUNCTION pg_logical_emit_message(boolean, text, text) FROM PUBLIC; " +
            "REVOKE EXECUTE ON FUNCTION pg_logical_emit_message(boolean, text, bytea) FROM PUBLIC");
        try
        {
            var connection = new Npgsql.NpgsqlConnectionStringBuilder(postgres.PrimaryConnectionString(dataSource)) { Username = role, Pooling = false, Options = "-c synchronous_commit=off" };
            var (write, read, owned) = PgVectorDataSources.Create(connection.ConnectionString, null);
            await using var knowledgeBase = new PgVectorKnowledgeBase(write, TestEmbedder.Hashing(), new() { AutoMigrate = false }, null, read, null, owned);

            var result = await knowledgeBase.UpsertAsync([Manual(7, 1)]);

            Assert.Equal(1, result.Added);
            Assert.Matches("^[0-9A-F]+/[0-9A-F]+$", result.CommitPosition);
        }
        finally
        {
            await ExecuteAsync(dataSource, $"DROP OWNED BY {role}; DROP ROLE {role}");
        }
    }

    private static async Task ExecuteAsync(Npgsql.NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The values recorded on the store's replica lag gauge.</summary>
    private sealed class LagGauge : IDisposable
    {
        private readonly MeterListener _listener = new();

        public LagGauge()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "HybridAnswer" && instrument.Name == "hybrid_answer.pgvector.replica_lag")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<double>((_, value, _, _) => Values.Enqueue(value));
            _listener.Start();
        }

        public ConcurrentQueue<double> Values { get; } = new();

        public void Dispose() => _listener.Dispose();
    }

    private static async Task<bool> RetryUntilAsync(Func<Task<bool>> condition, TimeSpan budget)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (stopwatch.Elapsed > budget)
            {
                return false;
            }

            await Task.Delay(100);
        }

        return true;
    }
}
