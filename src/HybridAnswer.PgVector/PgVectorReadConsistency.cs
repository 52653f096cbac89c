using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace HybridAnswer.PgVector;

/// <summary>
/// Where a search reads when the knowledge base has a read replica: the replica, once it has replayed the commit position the
/// search must see (the request's <see cref="RetrievalRequest.MinCommitPosition"/>, or this instance's latest ingest with
/// <see cref="PgVectorKnowledgeBaseOptions.ReadYourWrites"/>), and the primary when the replica stays behind for
/// <see cref="PgVectorKnowledgeBaseOptions.ReplicaWaitTimeout"/> or cannot be reached.
/// </summary>
/// <remarks>
/// Only a search that needs a position the replica has not been seen to replay asks it anything: the highest replayed position seen
/// is remembered, so a search with nothing to wait for (no write, or one replayed already) costs no extra round trip. A search that
/// waited in vain marks the replica as behind: from then on the searches that need a position it lacks read the primary at once, and
/// at most one search per <see cref="BehindCheckInterval"/> asks the replica once (no waiting) whether it has caught up.
/// </remarks>
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

    /// <summary>How often a replica known to be behind is asked again (one query, no waiting) whether it has caught up.</summary>
    public static readonly TimeSpan BehindCheckInterval = TimeSpan.FromMilliseconds(500);

    private static readonly TimeSpan FirstPollDelay = TimeSpan.FromMilliseconds(2);
    private static readonly TimeSpan MaxPollDelay = TimeSpan.FromMilliseconds(50);

    // pg_current_wal_insert_lsn, not pg_current_wal_lsn: with synchronous_commit = off the commit record may be inserted but not yet
    // written, and the write position would then be before it. The insert position is never before a commit that has returned.
    // With synchronous_commit = off a walsender ships only flushed WAL, and the WAL writer flushes every wal_writer_delay (200 ms),
    // so a replica would see the ingest one or two such periods later. A transaction that writes WAL and commits under
    // synchronous_commit = local flushes all WAL before its commit record (one fsync), so the replica gets the ingest at once. The
    // WAL is a transactional logical message (any wal_level, no privilege by default, nothing stored); a commit whose only WAL is
    // its own record is never flushed, hence the message. Only under 'off': otherwise the ingest's own commit flushed.
    private const string CommitPositionSql = "SELECT pg_current_wal_insert_lsn()::text, current_setting('synchronous_commit') = 'off'";

    // set_config(..., true) is SET LOCAL for the statement's own transaction.
    private const string FlushSql = "SELECT pg_logical_emit_message(true, 'hybridanswer', ''), set_config('synchronous_commit', 'local', true)";

    // On a primary (a multi-host read source that fell back to it) pg_is_in_recovery() is false and nothing needs to wait.
    private const string ReplayedSql = "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text";

    private readonly NpgsqlDataSource _primary;
    private readonly NpgsqlDataSource _read;
    private readonly PgVectorKnowledgeBaseOptions _options;
    private readonly ILogger _logger;
    private readonly string _table;
    private long _latestCommit;

    // The highest position the replica was seen to have replayed (it only moves forward while the replica stays up).
    private long _replayed;

    // 1 while the replica is known to be behind (a wait for a position timed out); the next Stopwatch timestamp at which a search
    // asks it again whether it caught up.
    private int _behind;
    private long _nextBehindCheck;

    // Stopwatch timestamp until which searches skip the replica (the circuit is open); 0 when closed.
    private long _avoidUntil;

    public PgVectorReadConsistency(NpgsqlDataSource primary, NpgsqlDataSource read, PgVectorKnowledgeBaseOptions options, string table, ILogger logger)
    {
        _primary = primary;
        _read = read;
        _options = options;
        _table = table;
        _logger = logger;
        Lag = new PgVectorReplicaLag(read, options, table, logger);
    }

    /// <summary>Gets the replica's lag measurement (health check, gauge, and the background samples searches start).</summary>
    public PgVectorReplicaLag Lag { get; }

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

        // A standby that restarted may serve queries from an earlier point than it had replayed before: ask it again.
        Interlocked.Exchange(ref _replayed, 0);
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
        string text;
        bool asynchronous;
        var command = _primary.CreateCommand(CommitPositionSql);
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                (text, asynchronous) = (reader.GetString(0), reader.GetBoolean(1));
            }
        }

        if (asynchronous)
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        var position = (long)Parse(text, nameof(text));
        long seen;
        while (position > (seen = Interlocked.Read(ref _latestCommit)) && Interlocked.CompareExchange(ref _latestCommit, position, seen) != seen)
        {
        }

        return text;
    }

    /// <summary>Flushes the WAL written so far. The ingest has committed: a refused flush (a revoked function, a read-only role) is logged, not thrown.</summary>
    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        var command = _primary.CreateCommand(FlushSql);
        await using (command.ConfigureAwait(false))
        {
            try
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ReadOnlySqlTransaction or PostgresErrorCodes.UndefinedFunction)
            {
                PgVectorLog.WalNotFlushed(_logger, _table, e.SqlState, e);
            }
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

        if (!HasReplica)
        {
            return _read;
        }

        // Stale reads stay observable without read-your-writes: the lag is sampled now and then (never awaited here).
        Lag.SampleInBackground();

        // The common case costs nothing: no position required, or one the replica has been seen to replay.
        if (required == 0 || required <= (ulong)Interlocked.Read(ref _replayed))
        {
            return _read;
        }

        if (Volatile.Read(ref _behind) != 0)
        {
            return await BehindAsync(required, cancellationToken).ConfigureAwait(false);
        }

        var stopwatch = Stopwatch.StartNew();
        var delay = FirstPollDelay;
        var connection = await _read.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            while (true)
            {
                if (await ReplayedAsync(connection, required, cancellationToken).ConfigureAwait(false))
                {
                    return _read;
                }

                var left = _options.ReplicaWaitTimeout - stopwatch.Elapsed;
                if (left <= TimeSpan.Zero)
                {
                    // Known to be behind: later searches read the primary at once instead of waiting the same bound again.
                    Volatile.Write(ref _nextBehindCheck, Stopwatch.GetTimestamp() + Ticks(BehindCheckInterval));
                    Volatile.Write(ref _behind, 1);
                    PgVectorLog.ReplicaBehind(_logger, _table, Format(required), _options.ReplicaWaitTimeout.TotalMilliseconds);
                    PgVectorMetrics.ReplicaFallback("behind");
                    return _primary;
                }

                await Task.Delay(delay < left ? delay : left, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxPollDelay.Ticks));
            }
        }
    }

    /// <summary>The replica is known to be behind: the primary, at once; one search per <see cref="BehindCheckInterval"/> first asks
    /// the replica once whether it has replayed the position, and reads it if so.</summary>
    private async Task<NpgsqlDataSource> BehindAsync(ulong required, CancellationToken cancellationToken)
    {
        var now = Stopwatch.GetTimestamp();
        var due = Interlocked.Read(ref _nextBehindCheck);
        if (now >= due && Interlocked.CompareExchange(ref _nextBehindCheck, now + Ticks(BehindCheckInterval), due) == due)
        {
            var connection = await _read.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                if (await ReplayedAsync(connection, required, cancellationToken).ConfigureAwait(false))
                {
                    Volatile.Write(ref _behind, 0);
                    PgVectorLog.ReplicaCaughtUp(_logger, _table, Format(required));
                    return _read;
                }
            }
        }

        PgVectorMetrics.ReplicaFallback("behind");
        return _primary;
    }

    /// <summary>Asks the replica once whether it has replayed <paramref name="required"/>, and remembers how far it has.</summary>
    private async Task<bool> ReplayedAsync(NpgsqlConnection connection, ulong required, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(ReplayedSql, connection);
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (!reader.GetBoolean(0))
                {
                    return true; // a primary (a multi-host read source fell back to it): it has every commit
                }

                var replayed = reader.IsDBNull(1) ? 0UL : Parse(reader.GetString(1), nameof(connection));
                long seen;
                while ((long)replayed > (seen = Interlocked.Read(ref _replayed)) && Interlocked.CompareExchange(ref _replayed, (long)replayed, seen) != seen)
                {
                }

                return replayed >= required;
            }
        }
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

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
