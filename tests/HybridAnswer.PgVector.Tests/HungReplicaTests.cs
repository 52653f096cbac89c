using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace HybridAnswer.PgVector.Tests;

/// <summary>
/// Issue 23, failure 3: a read replica that accepts TCP and never answers (a black-hole listener stands in for it) must not take
/// searches down: each falls back to the primary within <see cref="PgVectorKnowledgeBaseOptions.ReplicaTimeout"/>, and the replica
/// is then avoided for <see cref="PgVectorKnowledgeBaseOptions.ReplicaBreakDuration"/>, with a warning and a metric.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class HungReplicaTests(PostgresFixture postgres, Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task RetrieveAsync_ReplicaAcceptsTcpAndNeverAnswers_PrimaryAnswersWithinTheBoundAndTheReplicaIsAvoided()
    {
        using var blackHole = new BlackHole();
        var database = await postgres.CreateDatabaseAsync();
        await using var _ = database;
        var hung = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Host = "127.0.0.1", Port = blackHole.Port }.ConnectionString;
        var logger = new ListLogger();
        var options = new PgVectorKnowledgeBaseOptions { ReplicaTimeout = TimeSpan.FromSeconds(1), ReplicaBreakDuration = TimeSpan.FromMinutes(5) };
        var (write, read, owned) = PgVectorDataSources.Create(database.ConnectionString, hung);
        await using var knowledgeBase = new PgVectorKnowledgeBase(write, TestEmbedder.Hashing(), options, null, read, logger, owned);
        await knowledgeBase.UpsertAsync([new KnowledgeDocument("returns", "Returns", "Items can be returned within 30 days of delivery.")]);
        using var fallbacks = new FallbackCounter();

        var first = Stopwatch.StartNew();
        var hits = await knowledgeBase.RetrieveAsync(new RetrievalRequest("return items within days") { MinScore = -1 });
        first.Stop();
        var connectionsAfterFirst = blackHole.Accepted;
        var rest = new List<int>();
        var restTimes = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            var watch = Stopwatch.StartNew();
            rest.Add((await knowledgeBase.RetrieveAsync(new RetrievalRequest("return items within days") { MinScore = -1 })).Count);
            restTimes.Add(watch.Elapsed.TotalMilliseconds);
        }

        output.WriteLine($"load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}; ReplicaTimeout 1 s: first search {first.Elapsed.TotalMilliseconds:0} ms, then {string.Join(", ", restTimes.Select(t => $"{t:0.0}"))} ms");

        Assert.Equal("returns", Assert.Single(hits).DocumentId);
        Assert.Equal([1, 1, 1], rest);

        // Bounded: the hang ends at ReplicaTimeout (1 s), far from the 15 s connect or 30 s command timeout it used to wait for.
        Assert.True(first.Elapsed < TimeSpan.FromSeconds(8), $"the first search took {first.Elapsed}");
        Assert.True(connectionsAfterFirst >= 1, "the replica was never tried");

        // The circuit is open: the next searches went to the primary without knocking on the hung replica again.
        Assert.Equal(connectionsAfterFirst, blackHole.Accepted);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("did not answer within", StringComparison.Ordinal));
        Assert.Equal([("timeout", 1L)], fallbacks.ByReason.Select(p => (p.Key, p.Value)).ToArray());
    }

    [Fact]
    public async Task RetrieveAsync_ReplicaHungThenBreakElapsed_TriesTheReplicaAgain()
    {
        using var blackHole = new BlackHole();
        var database = await postgres.CreateDatabaseAsync();
        await using var _ = database;
        var hung = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Host = "127.0.0.1", Port = blackHole.Port }.ConnectionString;
        var options = new PgVectorKnowledgeBaseOptions { ReplicaTimeout = TimeSpan.FromMilliseconds(500), ReplicaBreakDuration = TimeSpan.FromMilliseconds(200) };
        var (write, read, owned) = PgVectorDataSources.Create(database.ConnectionString, hung);
        await using var knowledgeBase = new PgVectorKnowledgeBase(write, TestEmbedder.Hashing(), options, null, read, null, owned);
        await knowledgeBase.UpsertAsync([new KnowledgeDocument("returns", "Returns", "Items can be returned within 30 days of delivery.")]);

        await knowledgeBase.RetrieveAsync(new RetrievalRequest("return items") { MinScore = -1 });
        var afterFirst = blackHole.Accepted;
        await Task.Delay(400);
        var hits = await knowledgeBase.RetrieveAsync(new RetrievalRequest("return items") { MinScore = -1 });

        Assert.Single(hits);
        Assert.True(blackHole.Accepted > afterFirst, "after the break the replica was not tried again");
    }

    /// <summary>Accepts every TCP connection on 127.0.0.1 and never sends a byte: a server that hangs.</summary>
    private sealed class BlackHole : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly ConcurrentBag<Socket> _held = [];
        private readonly CancellationTokenSource _stop = new();
        private int _accepted;

        public BlackHole()
        {
            _listener.Start();
            _ = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    try
                    {
                        _held.Add(await _listener.AcceptSocketAsync(_stop.Token));
                        Interlocked.Increment(ref _accepted);
                    }
                    catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                    {
                        return;
                    }
                }
            });
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public int Accepted => Volatile.Read(ref _accepted);

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            foreach (var socket in _held)
            {
                socket.Dispose();
            }

            _stop.Dispose();
        }
    }

    /// <summary>Counts the store's replica fallbacks by reason, from the <c>HybridAnswer</c> meter.</summary>
    private sealed class FallbackCounter : IDisposable
    {
        private readonly MeterListener _listener = new();

        public FallbackCounter()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "HybridAnswer" && instrument.Name == "hybrid_answer.pgvector.replica_fallbacks")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "hybrid_answer.reason")
                    {
                        ByReason.AddOrUpdate((string)tag.Value!, value, (_, v) => v + value);
                    }
                }
            });
            _listener.Start();
        }

        public ConcurrentDictionary<string, long> ByReason { get; } = new();

        public void Dispose() => _listener.Dispose();
    }

    private sealed class ListLogger : ILogger
    {
        public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Enqueue((logLevel, formatter(state, exception)));
    }
}
