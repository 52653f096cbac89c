using Microsoft.Extensions.Logging;

namespace HybridAnswer.PgVector;

/// <summary>The log messages of the pgvector knowledge base: event ids 2000–2099 (the ranges are listed on HybridAnswer's <c>Log</c>).</summary>
internal static partial class PgVectorLog
{
    [LoggerMessage(2000, LogLevel.Information, "Migrated {Table} from schema version {From} to {To} (applied {Versions}).")]
    public static partial void Migrated(ILogger logger, string table, int from, int to, string versions);

    [LoggerMessage(2001, LogLevel.Debug, "Ingest into {Table}: {Added} added, {Updated} updated, {Unchanged} unchanged, {Chunks} chunks written.")]
    public static partial void Ingested(ILogger logger, string table, int added, int updated, int unchanged, int chunks);

    [LoggerMessage(2002, LogLevel.Warning, "PostgreSQL connection failure on {Table}; the connection pool was cleared so the next call reconnects.")]
    public static partial void PoolCleared(ILogger logger, string table, Exception exception);

    [LoggerMessage(2003, LogLevel.Information, "Schema of {Table} ready at version {Version} (migrated at start-up).")]
    public static partial void SchemaReadyAtStartup(ILogger logger, string table, int version);

    [LoggerMessage(2004, LogLevel.Warning, "Embeddings of {Table} are now stored inline (schema version 3), but the rows already stored keep theirs out of line (TOAST), where the planner may still prefer a sequential scan to the HNSW index, until they are rewritten: run VACUUM FULL on the table in a quiet window, or re-ingest (docs/operations.md).")]
    public static partial void EmbeddingsLeftOutOfLine(ILogger logger, string table);

    // Read replicas (2010–2019).
    [LoggerMessage(2010, LogLevel.Information, "The read replica of {Table} had not replayed commit position {Position} within {TimeoutMs} ms; searches that need it read the primary until it has.")]
    public static partial void ReplicaBehind(ILogger logger, string table, string position, double timeoutMs);

    [LoggerMessage(2011, LogLevel.Warning, "The read replica of {Table} could not be reached; the search retries on the primary.")]
    public static partial void ReplicaUnreachable(ILogger logger, string table, Exception exception);

    [LoggerMessage(2013, LogLevel.Warning, "The primary of {Table} could not be reached to check the schema; it was checked on the read replica, where searches read. Writes fail until the primary is back.")]
    public static partial void SchemaCheckedOnReplica(ILogger logger, string table, Exception exception);

    [LoggerMessage(2014, LogLevel.Information, "The read replica of {Table} has replayed commit position {Position}; searches read it again.")]
    public static partial void ReplicaCaughtUp(ILogger logger, string table, string position);

    [LoggerMessage(2015, LogLevel.Warning, "The read replica of {Table} is {LagSeconds} s behind the primary (ReplicaLagThreshold {ThresholdSeconds} s): searches that require no commit position read data that old there (ReadYourWrites: {ReadYourWrites}).")]
    public static partial void ReplicaLagging(ILogger logger, string table, double lagSeconds, double thresholdSeconds, bool readYourWrites);

    [LoggerMessage(2016, LogLevel.Debug, "The ingest into {Table} committed, but its WAL could not be flushed at once (SQLSTATE {SqlState}): with synchronous_commit = off a read replica gets it within wal_writer_delay.")]
    public static partial void WalNotFlushed(ILogger logger, string table, string sqlState, Exception exception);

    [LoggerMessage(2012, LogLevel.Warning, "The read replica of {Table} did not answer within {TimeoutMs} ms (ReplicaTimeout); the search reads the primary, and searches avoid the replica for {BreakSeconds} s.")]
    public static partial void ReplicaHung(ILogger logger, string table, double timeoutMs, double breakSeconds, Exception exception);
}
