using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace HybridAnswer.PgVector;

/// <summary>
/// Where a search reads when the knowledge base has a read replica: the replica, once it has replayed the commit position the
/// search must see (the request's <see cref="RetrievalRequest.MinCommitPosition"/>, or this instance's latest ingest with
/// <see cref="PgVectorKnowledgeBaseOptions.ReadYourWrites"/>), and the primary when the replica stays behind for
/// <see cref="PgVectorKnowledgeBaseOptions.ReplicaWaitTimeout"/> or cannot be reached.
/// </summary>
/// <remarks>
/// PostgreSQL 15 has no server-side "wait for LSN", so the replica is polled (<c>pg_last_wal_replay_lsn()</c>) with a short,
/// growing delay. With a single-host read data source every connection reaches the server that was polled. With a multi-host one,
/// Npgsql without load balancing picks the first standby that is up, so it is the same server unless that one just went down.
/// </remarks>
internal sealed class PgVectorReadConsistency
{
    /// <summary>The default of <see cref="PgVectorKnowledgeBaseOptions.ReplicaWaitTimeout"/>: about a hundred times the replication lag
    /// measured on loopback (docs/scaling.md), short enough that a lagging replica costs a user one noticeable pause, not a timeout.</summary>
    public static readonly TimeSpan DefaultWaitTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The default of <see cref="PgVectorKnowledgeBaseOptions.ReplicaTimeout"/>: a search on a healthy replica takes
    /// milliseconds (docs/benchmarks.md), so 3 s is a hang, not a slow query, even on a loaded machine.</summary>
    public static readonly TimeSpan DefaultReplicaTimeout = TimeSpan.FromSeconds(3);

    /// <summary>The default of <see cref="PgVectorKnowledgeBaseOptions.ReplicaBreakDuration"/>.</summary>
    public static readonly TimeSpan DefaultBreakDuration = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan FirstPollDelay = TimeSpan.FromMilliseconds(2);
    private static readonly TimeSpan MaxPollDelay = TimeSpan.FromMilliseconds(50);

    // pg_current_wal_insert_lsn, not pg_current_wal_lsn: with synchronous_commit = off the commit record may be inserted but not yet
    // written, and the write position would then be before it. The insert position is never before a commit that has returned.
    private const string CommitPositionSql = "SELECT pg_current_wal_insert_lsn()::text";

    // On a primary (a multi-host read source that fell back to it) pg_is_in_recovery() is false and nothing needs to wait.
    private const string ReplayedSql = "SELECT NOT pg_is_in_recovery() OR pg_last_wal_replay_lsn() >= $1::pg_lsn";

    private readonly NpgsqlDataSource _primary;
    private readonly NpgsqlDataSource _read;
    private readonly PgVectorKnowledgeBaseOptions _options;
    private readonly ILogger _logger;
    private readonly string _table;
    private long _latestCommit;

    // Stopwatch timestamp until which searches skip the replica (the circuit is open); 0 when closed.
    private long _avoidUntil;

    public PgVectorReadConsistency(NpgsqlDataSource primary, NpgsqlDataSource read, PgVectorKnowledgeBaseOptions options, string table, ILogger logger)
    {
        _primary = primary;
        _read = read;
        _options = options;
        _table = table;
        _logger = logger;
    }

    /// <summary>Gets whether searches read somewhere else than the primary.</summary>
    public bool HasReplica => !ReferenceEquals(_primary, _read);

    /// <summary>Gets the primary, where a search goes when the replica is avoided, behind or failed.</summary>
    public NpgsqlDataSource Primary => _primary;

    /// <summary>Gets whether the replica is avoided now: it timed out or was unreachable less than the break duration ago.</summary>
    public bool ReplicaAvoided => HasReplica && Stopwatch.GetTimestamp() < Volatile.Read(ref _avoidUntil);

    /// <summary>How long one search may spend on the replica: <see cref="PgVectorKnowledgeBaseOptions.ReplicaTimeout"/>, plus the
    /// wait for a commit position when the search may have to wait for one.</summary>
    public TimeSpan ReplicaBound(RetrievalRequest request) =>
        request.MinCommitPosition is not null || (_options.ReadYourWrites && Interlocked.Read(ref _latestCommit) != 0)
            ? _options.ReplicaTimeout + _options.ReplicaWaitTimeout
            : _options.ReplicaTimeout;

    /// <summary>Records that the replica failed a search (<paramref name="timedOut"/>: no answer within the bound; otherwise
    /// unreachable) and opens the circuit: searches read the primary for the break duration. Logged as a warning and counted.</summary>
    public void ReplicaFailed(bool timedOut, Exception exception)
    {
        Volatile.Write(ref _avoidUntil, Stopwatch.GetTimestamp() + (long)(_options.ReplicaBreakDuration.TotalSeconds * Stopwatch.Frequency));
        PgVectorMetrics.ReplicaFallback(timedOut ? "timeout" : "unreachable");
        if (timedOut)
        {
            PgVectorLog.ReplicaHung(_logger, _table, _options.ReplicaTimeout.TotalMilliseconds, _options.ReplicaBreakDuration.TotalSeconds, exception);
        }
        else
        {
            PgVectorLog.ReplicaUnreachable(_logger, _table, exception);
        }
    }

    /// <summary>Reads the primary's commit position after this instance's writes (call it once they have committed) and remembers the latest.</summary>
    public async Task<string> ReadCommitPositionAsync(CancellationToken cancellationToken)
    {
        var command = _primary.CreateCommand(CommitPositionSql);
        await using (command.ConfigureAwait(false))
        {
            var text = (string)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            var position = (long)Parse(text, nameof(text));
            long seen;
            while (position > (seen = Interlocked.Read(ref _latestCommit)) && Interlocked.CompareExchange(ref _latestCommit, position, seen) != seen)
            {
            }

            return text;
        }
    }

    /// <summary>The data source to search: the replica unless it is behind the required position for longer than the bound.</summary>
    /// <exception cref="ArgumentException"><see cref="RetrievalRequest.MinCommitPosition"/> is not a commit position.</exception>
    /// <exception cref="NpgsqlException">The replica could not be reached (the caller falls back to the primary).</exception>
    public async Task<NpgsqlDataSource> ChooseAsync(RetrievalRequest request, CancellationToken cancellationToken)
    {
        var required = request.MinCommitPosition is null ? 0UL : Parse(request.MinCommitPosition, nameof(request));
        if (_options.ReadYourWrites)
        {
            required = Math.Max(required, (ulong)Interlocked.Read(ref _latestCommit));
        }

        if (!HasReplica || required == 0)
        {
            return _read;
        }

        var stopwatch = Stopwatch.StartNew();
        var delay = FirstPollDelay;
        var connection = await _read.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = new NpgsqlCommand(ReplayedSql, connection);
            await using (command.ConfigureAwait(false))
            {
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Format(required), NpgsqlDbType = NpgsqlDbType.Text });
                while (true)
                {
                    if ((bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
                    {
                        return _read;
                    }

                    var left = _options.ReplicaWaitTimeout - stopwatch.Elapsed;
                    if (left <= TimeSpan.Zero)
                    {
                        PgVectorLog.ReplicaBehind(_logger, _table, Format(required), _options.ReplicaWaitTimeout.TotalMilliseconds);
                        PgVectorMetrics.ReplicaFallback("behind");
                        return _primary;
                    }

                    await Task.Delay(delay < left ? delay : left, cancellationToken).ConfigureAwait(false);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxPollDelay.Ticks));
                }
            }
        }
    }

    /// <summary>Parses a PostgreSQL LSN (<c>X/Y</c>, two hexadecimal halves of 32 bits).</summary>
    /// <exception cref="ArgumentException">The text is not an LSN.</exception>
    internal static ulong Parse(string position, string paramName)
    {
        var slash = position.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0
            && uint.TryParse(position.AsSpan(0, slash), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var high)
            && uint.TryParse(position.AsSpan(slash + 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var low))
        {
            return ((ulong)high << 32) | low;
        }

        throw new ArgumentException($"'{position}' is not a PostgreSQL commit position (an IngestResult.CommitPosition such as 0/16B3748).", paramName);
    }

    internal static string Format(ulong position) => string.Create(CultureInfo.InvariantCulture, $"{position >> 32:X}/{position & 0xFFFFFFFF:X}");
}

// The log messages of read consistency (event ids 16xx, apart from the others in PgVectorLog.cs).
internal static partial class PgVectorLog
{
    [LoggerMessage(2010, LogLevel.Information, "The read replica of {Table} had not replayed commit position {Position} within {TimeoutMs} ms; the search reads the primary.")]
    public static partial void ReplicaBehind(ILogger logger, string table, string position, double timeoutMs);

    [LoggerMessage(2011, LogLevel.Warning, "The read replica of {Table} could not be reached; the search retries on the primary.")]
    public static partial void ReplicaUnreachable(ILogger logger, string table, Exception exception);

    [LoggerMessage(2013, LogLevel.Warning, "The primary of {Table} could not be reached to check the schema; it was checked on the read replica, where searches read. Writes fail until the primary is back.")]
    public static partial void SchemaCheckedOnReplica(ILogger logger, string table, Exception exception);

    [LoggerMessage(2012, LogLevel.Warning, "The read replica of {Table} did not answer within {TimeoutMs} ms (ReplicaTimeout); the search reads the primary, and searches avoid the replica for {BreakSeconds} s.")]
    public static partial void ReplicaHung(ILogger logger, string table, double timeoutMs, double breakSeconds, Exception exception);
}
