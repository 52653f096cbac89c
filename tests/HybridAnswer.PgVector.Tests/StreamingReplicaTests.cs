using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Xunit.Abstractions;

namespace HybridAnswer.PgVector.Tests;

/// <summary>
/// The knowledge base against a real primary and its streaming standby (scripts/test.sh starts both): reads on the standby and
/// writes on the primary in both host configurations, read-your-writes, and each server stopped under load.
/// </summary>
/// <remarks>
/// "The search ran on the standby" is proved by pausing the standby's WAL replay: a document committed on the primary afterwards
/// is then on the primary only, so a search that finds it did not run on the standby and one that misses it did.
/// </remarks>
[Collection(PostgresCollection.Name)]
public sealed partial class StreamingReplicaTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private const string Question = "zq7x manual 7 assembling";

    public enum Hosts
    {
        /// <summary>ConnectionString = primary, ReadConnectionString = standby.</summary>
        SeparateReadConnection,

        /// <summary>One connection string naming both hosts; Npgsql's target session attributes pick primary and standby.</summary>
        MultiHost,
    }

    [GeneratedRegex(@"revision (\d+)\b")]
    private static partial Regex Revision();

    private static KnowledgeDocument Manual(int manual, int revision)
    {
        // Four chunks per document, each naming the revision: an answer that mixed two versions of a document would show two revisions.
        var sections = Enumerable.Range(1, 4).Select(part => string.Create(CultureInfo.InvariantCulture,
            $"## Part {part}\n\nManual {manual} codeword zq{manual}x, part {part}, revision {revision}. This part explains step {part} of assembling the appliance and the safety notes that come with it, in revision {revision} of the text."));
        return new KnowledgeDocument(string.Create(CultureInfo.InvariantCulture, $"manual-{manual}"), $"Manual {manual}", string.Join("\n\n", sections));
    }

    /// <summary>A fresh database (replayed on the standby) and a knowledge base over it configured as a host would.</summary>
    private async Task<(PgVectorKnowledgeBase KnowledgeBase, NpgsqlDataSource Write, NpgsqlDataSource Read)> KnowledgeBaseAsync(
        Hosts hosts, Action<PgVectorKnowledgeBaseOptions>? configure = null)
    {
        var database = await postgres.CreateDatabaseAsync();
        var primary = postgres.PrimaryConnectionString(database);
        var standby = postgres.StandbyConnectionStringFor(database);
        var options = new PgVectorKnowledgeBaseOptions();
        configure?.Invoke(options);

        // The table is created on the primary before the standby is asked anything.
        await using (var bootstrap = new PgVectorKnowledgeBase(database, TestEmbedder.Hashing(), options))
        {
            await bootstrap.MigrateAsync();
        }

        await postgres.WaitForStandbyAsync();
        string connection;
        string? read;
        if (hosts == Hosts.SeparateReadConnection)
        {
            (connection, read) = (primary, standby);
        }
        else
        {
            var p = new NpgsqlConnectionStringBuilder(primary);
            var s = new NpgsqlConnectionStringBuilder(standby);

            // Host state is cached for HostRecheckSeconds (default 10 s); a short recheck lets the outage tests see a restarted server soon.
            connection = new NpgsqlConnectionStringBuilder(primary) { Host = $"{p.Host}:{p.Port},{s.Host}:{s.Port}", HostRecheckSeconds = 1 }.ConnectionString;
            read = null;
        }

        var (write, readSource, owned) = PgVectorDataSources.Create(connection, read);
        var knowledgeBase = new PgVectorKnowledgeBase(
            write, TestEmbedder.Hashing(), options, new ChunkingOptions { TargetSize = 300, Overlap = 0 }, readSource, NullLogger.Instance, owned);
        return (knowledgeBase, write, readSource);
    }

    private async Task<T> WithReplayPausedAsync<T>(Func<Task<T>> body)
    {
        await StandbyAsync("SELECT pg_wal_replay_pause()");
        try
        {
            return await body();
        }
        finally
        {
            await StandbyAsync("SELECT pg_wal_replay_resume()");
        }
    }

    private async Task<object?> StandbyAsync(string sql)
    {
        var standby = new NpgsqlConnectionStringBuilder(postgres.StandbyConnectionString) { Pooling = false, Database = "postgres" };
        await using var connection = new NpgsqlConnection(standby.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    private static async Task<bool> InRecoveryAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("SELECT pg_is_in_recovery()");
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<bool> FindsAsync(IRetriever retriever, int manual, string? minCommitPosition = null)
    {
        var chunks = await retriever.RetrieveAsync(new RetrievalRequest($"zq{manual}x manual {manual} assembling") { TopK = 4, MinCommitPosition = minCommitPosition });
        return chunks.Any(c => c.DocumentId == $"manual-{manual}");
    }

    [Fact]
    public async Task Fixture_Standby_StreamsFromThePrimaryAndIsReadOnly()
    {
        Assert.Equal(true, await StandbyAsync("SELECT pg_is_in_recovery()"));
        await using var primary = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Pooling = false }.ConnectionString);
        await primary.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'", primary);
        Assert.Equal(1L, await command.ExecuteScalarAsync());
    }

    [Theory]
    [InlineData(Hosts.SeparateReadConnection)]
    [InlineData(Hosts.MultiHost)]
    public async Task RetrieveAsync_WithStandby_SearchRunsOnTheStandbyAndIngestOnThePrimary(Hosts hosts)
    {
        var (knowledgeBase, write, read) = await KnowledgeBaseAsync(hosts);
        await using var disposeKnowledgeBase = knowledgeBase;
        Assert.False(await InRecoveryAsync(write));
        Assert.True(await InRecoveryAsync(read));

        await knowledgeBase.UpsertAsync([Manual(1, 1)]);
        await postgres.WaitForStandbyAsync();
        Assert.True(await FindsAsync(knowledgeBase, 1));

        var (committed, foundWhilePaused, counted) = await WithReplayPausedAsync(async () =>
        {
            // The ingest succeeds while the standby replays nothing: it ran on the primary (the standby is read-only anyway).
            var result = await knowledgeBase.UpsertAsync([Manual(7, 1)]);
            return (result, await FindsAsync(knowledgeBase, 7), await knowledgeBase.CountAsync());
        });

        Assert.Equal(1, committed.Added);
        Assert.Equal(2, counted);                   // counts read the primary: the document is there
        Assert.False(foundWhilePaused);             // the search missed it: it ran on the paused standby
        await postgres.WaitForStandbyAsync();
        Assert.True(await FindsAsync(knowledgeBase, 7));
    }

    [Theory]
    [InlineData(Hosts.SeparateReadConnection)]
    [InlineData(Hosts.MultiHost)]
    public async Task RetrieveAsync_MinCommitPositionAndStandbyStuck_ReadsThePrimaryAfterTheBound(Hosts hosts)
    {
        var bound = TimeSpan.FromMilliseconds(400);
        var (knowledgeBase, _, _) = await KnowledgeBaseAsync(hosts, o => o.ReplicaWaitTimeout = bound);
        await using var disposeKnowledgeBase = knowledgeBase;

        var (found, elapsed) = await WithReplayPausedAsync(async () =>
        {
            var result = await knowledgeBase.UpsertAsync([Manual(7, 1)]);
            Assert.Matches("^[0-9A-F]+/[0-9A-F]+$", result.CommitPosition);
            var stopwatch = Stopwatch.StartNew();
            var found = await FindsAsync(knowledgeBase, 7, result.CommitPosition);
            return (found, stopwatch.Elapsed);
        });

        Assert.True(found);
        Assert.InRange(elapsed, bound, bound + TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task RetrieveAsync_MinCommitPositionAndStandbyCatchesUp_ServedByTheStandbyBeforeTheBound()
    {
        var (knowledgeBase, _, _) = await KnowledgeBaseAsync(Hosts.SeparateReadConnection, o => o.ReplicaWaitTimeout = TimeSpan.FromSeconds(20));
        await using var disposeKnowledgeBase = knowledgeBase;

        await StandbyAsync("SELECT pg_wal_replay_pause()");
        TimeSpan elapsed;
        bool found;
        try
        {
            var result = await knowledgeBase.UpsertAsync([Manual(7, 1)]);
            var resume = Task.Run(async () =>
            {
                await Task.Delay(300);
                await StandbyAsync("SELECT pg_wal_replay_resume()");
            });
            var stopwatch = Stopwatch.StartNew();
            found = await FindsAsync(knowledgeBase, 7, result.CommitPosition);
            elapsed = stopwatch.Elapsed;
            await resume;
        }
        finally
        {
            await StandbyAsync("SELECT pg_wal_replay_resume()");
        }

        // Waited for the replay (not the primary at once) and returned as soon as the standby had it, long before the 20 s bound.
        Assert.True(found);
        Assert.InRange(elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task AnswerAsync_ReadYourWritesOption_SeesTheIngestWithoutPassingThePosition()
    {
        var (knowledgeBase, _, _) = await KnowledgeBaseAsync(Hosts.SeparateReadConnection, o =>
        {
            o.ReadYourWrites = true;
            o.ReplicaWaitTimeout = TimeSpan.FromMilliseconds(200);
        });
        await using var disposeKnowledgeBase = knowledgeBase;
        var answerer = new HybridAnswerer(knowledgeBase, new ExtractiveGenerator(), Options.Create(new HybridAnsweringOptions()));

        var answer = await WithReplayPausedAsync(async () =>
        {
            await knowledgeBase.UpsertAsync([Manual(7, 1)]);
            return await answerer.AnswerAsync(Question, new AnswerOptions { MinScore = -1 });
        });

        Assert.Contains(answer.Sources, s => s.DocumentId == "manual-7");
    }

    [Fact]
    public async Task AnswerAsync_MinCommitPositionPerCall_SeesTheIngest()
    {
        var (knowledgeBase, _, _) = await KnowledgeBaseAsync(Hosts.SeparateReadConnection, o => o.ReplicaWaitTimeout = TimeSpan.FromMilliseconds(200));
        await using var disposeKnowledgeBase = knowledgeBase;
        var answerer = new HybridAnswerer(knowledgeBase, new ExtractiveGenerator(), Options.Create(new HybridAnsweringOptions()));

        var (without, with) = await WithReplayPausedAsync(async () =>
        {
            var result = await knowledgeBase.UpsertAsync([Manual(7, 1)]);
            var stale = await answerer.AnswerAsync(Question, new AnswerOptions { MinScore = -1 });
            var fresh = await answerer.AnswerAsync(Question, new AnswerOptions { MinScore = -1, MinCommitPosition = result.CommitPosition });
            return (stale, fresh);
        });

        Assert.DoesNotContain(without.Sources, s => s.DocumentId == "manual-7");
        Assert.Contains(with.Sources, s => s.DocumentId == "manual-7");
    }

    [Fact]
    public async Task RetrieveAsync_MalformedCommitPosition_ThrowsArgumentException()
    {
        var (knowledgeBase, _, _) = await KnowledgeBaseAsync(Hosts.SeparateReadConnection);
        await using var disposeKnowledgeBase = knowledgeBase;
        var e = await Assert.ThrowsAsync<ArgumentException>(() => knowledgeBase.RetrieveAsync(new RetrievalRequest("x") { MinCommitPosition = "16B3748" }));
        Assert.Contains("16B3748", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IngestResult_CommitPosition_IncreasesWithEachIngest()
    {
        var (knowledgeBase, _, _) = await KnowledgeBaseAsync(Hosts.SeparateReadConnection);
        await using var disposeKnowledgeBase = knowledgeBase;
        var first = await knowledgeBase.UpsertAsync([Manual(1, 1)]);
        var second = await knowledgeBase.UpsertAsync([Manual(1, 2)]);
        Assert.True(PgVectorReadConsistency.Parse(second.CommitPosition!, "x") > PgVectorReadConsistency.Parse(first.CommitPosition!, "x"));
    }

    [Theory]
    [InlineData(Hosts.SeparateReadConnection)]
    [InlineData(Hosts.MultiHost)]
    public async Task Outage_PrimaryStopped_AnswersFromStandbyIngestFailsFastThenResumes(Hosts hosts)
    {
        var (knowledgeBase, _, _) = await KnowledgeBaseAsync(hosts);
        await using var disposeKnowledgeBase = knowledgeBase;
        var answerer = new HybridAnswerer(knowledgeBase, new ExtractiveGenerator(), Options.Create(new HybridAnsweringOptions()));
        await knowledgeBase.UpsertAsync(Enumerable.Range(0, 8).Select(m => Manual(m, 1)));
        await postgres.WaitForStandbyAsync();

        var revisions = new ConcurrentQueue<string>();
        var failures = new ConcurrentQueue<Exception>();
        Stopwatch ingestFailed;
        await postgres.StopServerAsync();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                try
                {
                    var answer = await answerer.AnswerAsync(Question, new AnswerOptions { MinScore = -1 });
                    revisions.Enqueue(Revisions(answer, "manual-7"));
                }
                catch (Exception e)
                {
                    failures.Enqueue(e);
                }
            }

            ingestFailed = Stopwatch.StartNew();
            var ingest = await Assert.ThrowsAsync<PgVectorStoreException>(() => knowledgeBase.UpsertAsync([Manual(7, 2)]));
            ingestFailed.Stop();
            Assert.IsAssignableFrom<NpgsqlException>(ingest.InnerException);
            Assert.True(ingest.IsTransient);   // the caller may retry later
        }
        finally
        {
            await postgres.StartServerAsync();
        }

        output.WriteLine($"{hosts}: ingest failed after {ingestFailed.ElapsedMilliseconds} ms; answer failures: {string.Join(" | ", failures.Select(f => f.Message).Distinct())}");
        Assert.Empty(failures);
        Assert.Equal(20, revisions.Count);
        Assert.All(revisions, r => Assert.Equal("1", r));
        Assert.InRange(ingestFailed.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));

        // Primary back: writes resume (the multi-host pool rechecks host state after HostRecheckSeconds), the revision arrives whole.
        var resumed = await RetryAsync(() => knowledgeBase.UpsertAsync([Manual(7, 2)]), TimeSpan.FromSeconds(10));
        Assert.Equal(1, resumed.Updated);
        var after = await answerer.AnswerAsync(Question, new AnswerOptions { MinScore = -1, MinCommitPosition = resumed.CommitPosition });
        Assert.Equal("2", Revisions(after, "manual-7"));
        Assert.Equal(8, await knowledgeBase.CountAsync());
    }

    [Theory]
    [InlineData(Hosts.SeparateReadConnection)]
    [InlineData(Hosts.MultiHost)]
    public async Task Outage_StandbyStopped_ReadsMoveToThePrimaryAtOnce(Hosts hosts)
    {
        var (knowledgeBase, _, read) = await KnowledgeBaseAsync(hosts);
        await using var disposeKnowledgeBase = knowledgeBase;
        var answerer = new HybridAnswerer(knowledgeBase, new ExtractiveGenerator(), Options.Create(new HybridAnsweringOptions()));
        await knowledgeBase.UpsertAsync(Enumerable.Range(0, 8).Select(m => Manual(m, 1)));
        await postgres.WaitForStandbyAsync();
        Assert.Equal("1", Revisions(await answerer.AnswerAsync(Question, new AnswerOptions { MinScore = -1 }), "manual-7"));

        var revisions = new List<string>();
        await postgres.StopStandbyAsync();
        try
        {
            // Every ask succeeds, the first one included: the search retries once, on the primary.
            for (var i = 0; i < 10; i++)
            {
                revisions.Add(Revisions(await answerer.AnswerAsync(Question, new AnswerOptions { MinScore = -1 }), "manual-7"));
            }

            // Writes never needed the standby; the next answer sees them whole, from the primary.
            var result = await knowledgeBase.UpsertAsync([Manual(7, 2)]);
            Assert.Equal(1, result.Updated);
            revisions.Add(Revisions(await answerer.AnswerAsync(Question, new AnswerOptions { MinScore = -1 }), "manual-7"));
        }
        finally
        {
            await postgres.StartStandbyAsync();
        }

        Assert.Equal([.. Enumerable.Repeat("1", 10), "2"], revisions);

        // The standby is back and catches up; reads return to it.
        await postgres.WaitForStandbyAsync();
        var back = await RetryAsync(async () => await InRecoveryAsync(read) ? true : throw new InvalidOperationException("read source on the primary"), TimeSpan.FromSeconds(15));
        Assert.True(back);
        Assert.Equal("2", Revisions(await answerer.AnswerAsync(Question, new AnswerOptions { MinScore = -1 }), "manual-7"));
    }

    /// <summary>The distinct revisions of one document among an answer's sources, comma-separated ("" when it is not among them).</summary>
    private static string Revisions(Answer answer, string documentId) =>
        string.Join(",", answer.Sources.Where(s => s.DocumentId == documentId)
            .SelectMany(s => Revision().Matches(s.Content ?? string.Empty).Select(m => m.Groups[1].Value))
            .Distinct().Order(StringComparer.Ordinal));

    private static async Task<T> RetryAsync<T>(Func<Task<T>> action, TimeSpan budget)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await action();
            }
            catch (Exception e) when (e is InvalidOperationException or DbException && stopwatch.Elapsed < budget)
            {
                await Task.Delay(200);
            }
        }
    }
}
