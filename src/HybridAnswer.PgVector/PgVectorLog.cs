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
}
