namespace HybridAnswer.PgVector;

/// <summary>The fixed numbers of the PostgreSQL store, each with the reason it has its value.</summary>
internal static class PgVectorConstants
{
    /// <summary>Documents hash into this many advisory locks per table: a bulk load of 100,000 documents must not take 100,000 locks
    /// (PostgreSQL's lock table holds about 64 per connection and runs out of shared memory).</summary>
    public const uint LockBuckets = 256;

    /// <summary>Autovacuum re-analyzes eventually; a load this large gets statistics at once so the next query is planned right
    /// (without them the planner guessed a handful of rows per tenant and sorted a sequential scan: 570 ms instead of a few ms at 100,000 chunks).</summary>
    public const int AnalyzeAfterChunks = 1000;

    /// <summary>One advisory lock for all HybridAnswer migrations in a database: migrations are rare and short, and one lock also
    /// serialises <c>CREATE EXTENSION</c>, which races between tables otherwise. The value is "HybAnsw1" in ASCII.</summary>
    public const long MigrationLockKey = 0x487962416e737731;

    /// <summary>The least pgvector version with iterative index scans; older servers get the exact-scan fallback only.</summary>
    public static readonly Version IterativeScanVersion = new(0, 8, 0);

    /// <summary>The least time a COPY may take: inserting into the HNSW graph dominates it, and a write group can take longer than a query's command timeout.</summary>
    public static readonly TimeSpan MinCopyTimeout = TimeSpan.FromMinutes(10);

    /// <summary>The largest ef_search pgvector accepts.</summary>
    public const int MaxEfSearch = 1000;

    /// <summary>The most per-value filter indexes (<see cref="PgVectorKnowledgeBaseOptions.FilterIndexKeys"/>) one table gets; the values
    /// with the most rows first. Each is a graph over its rows, and every write of a matching row updates it.</summary>
    public const int MaxFilterIndexes = 32;

    /// <summary>The least rows a value of a declared filter key needs for an index of its own. Below it, ranking the rows exactly is
    /// as cheap (peer benchmark, 100,000 × 384: 1.5 ms for 100 rows, 3.3 ms for 1,000, 2.2 ms to walk a 10,000-row value's graph).</summary>
    public const int FilterIndexMinRows = 1000;

    /// <summary>The least <c>maintenance_work_mem</c> of an index build, in megabytes: PostgreSQL's own default, and the least
    /// <see cref="PgVectorKnowledgeBaseOptions.IndexBuildMemoryMegabytes"/> accepts.</summary>
    public const int MinIndexBuildMemoryMegabytes = 64;
}
