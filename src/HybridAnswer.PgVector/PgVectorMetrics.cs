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
        "Searches that read the primary instead of the read replica, by hybrid_answer.reason: timeout (the replica did not answer within ReplicaTimeout), unreachable, behind (it had not replayed a required commit position in time).");

    public static void ReplicaFallback(string reason) => ReplicaFallbacks.Add(1, new KeyValuePair<string, object?>("hybrid_answer.reason", reason));
}
