using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace HybridAnswer.PgVector;

/// <summary>
/// The store's instruments, on a meter named <c>HybridAnswer</c> like the core's (one name for hosts to enable; a package has its
/// own <see cref="Meter"/> instance because it uses the core's public API only).
/// </summary>
internal static class PgVectorMetrics
{
    private static readonly Meter Meter = new("HybridAnswer");

    private static readonly Counter<long> ReplicaFallbacks = Meter.CreateCounter<long>(
        "hybrid_answer.pgvector.replica_fallbacks", "{search}",
        "Searches that read the primary instead of the read replica, by hybrid_answer.reason: timeout (the replica did not answer within ReplicaTimeout), unreachable, behind (it had not replayed a required commit position in time, or was known to be behind).");

    private static readonly Gauge<double> ReplicaLagSeconds = Meter.CreateGauge<double>(
        "hybrid_answer.pgvector.replica_lag", "s",
        "How far the read replica is behind the primary, by hybrid_answer.table: 0 when it has replayed all it received, else the age of the last transaction it replayed (the oldest data a search there may see). Sampled by the health check and, at most every 5 s, by searches.");

    public static void ReplicaLag(string table, double seconds) => ReplicaLagSeconds.Record(seconds, new KeyValuePair<string, object?>("hybrid_answer.table", table));

    public static void ReplicaFallback(string reason) => ReplicaFallbacks.Add(1, new KeyValuePair<string, object?>("hybrid_answer.reason", reason));
}
