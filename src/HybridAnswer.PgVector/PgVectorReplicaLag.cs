using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace HybridAnswer.PgVector;

/// <summary>One reading of the read replica: whether the server reached is a standby, and how far behind the primary it is.</summary>
/// <param name="InRecovery">Whether the server is a standby (<c>pg_is_in_recovery()</c>); a multi-host read source may reach the primary.</param>
/// <param name="LagSeconds">0 when the standby has replayed all the WAL it received; otherwise the age of the last transaction it
/// replayed (<c>now() - pg_last_xact_replay_timestamp()</c>), the oldest the data a search sees there can be.</param>
internal readonly record struct PgVectorReplicaSample(bool InRecovery, double LagSeconds);

/// <summary>
/// Measures how far the read replica is behind, so that stale reads are observable even without read-your-writes: the health check
/// measures on every probe, and searches start a measurement in the background at most every <see cref="SampleInterval"/> (never
/// waiting for it). Each reading is recorded on the <c>hybrid_answer.pgvector.replica_lag</c> gauge, and one past
/// <see cref="PgVectorKnowledgeBaseOptions.ReplicaLagThreshold"/> is logged (warning 2015).
/// </summary>
/// <remarks>
/// The lag is measured on the standby alone (no privilege needed, no query on the primary): a standby that has applied everything
/// it received reports 0, one that holds unapplied WAL reports the age of the last transaction it replayed. After a long idle
/// period on the primary that age is an overestimate for the few milliseconds the next transaction takes to replay; a standby cut
/// off from the primary (no WAL arriving) reports 0, and its unreachability or the primary's shows up elsewhere.
/// </remarks>
internal sealed class PgVectorReplicaLag(NpgsqlDataSource read, PgVectorKnowledgeBaseOptions options, string table, ILogger logger)
{
    /// <summary>The default of <see cref="PgVectorKnowledgeBaseOptions.ReplicaLagThreshold"/>: a thousand times the lag measured on
    /// loopback (docs/scaling.md), and longer than a user waits to see a change they were told about.</summary>
    public static readonly TimeSpan DefaultThreshold = TimeSpan.FromSeconds(10);

    /// <summary>How often searches sample the lag in the background (one query on the replica per interval and process).</summary>
    public static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(5);

    private const string LagSql =
        "SELECT pg_is_in_recovery(), CASE WHEN NOT pg_is_in_recovery() OR pg_last_wal_receive_lsn() IS NULL OR pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() " +
        "THEN 0 ELSE coalesce(extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()), 0) END::float8";

    private long _nextSample;

    /// <summary>Reads the replica's state and lag once; records it on the gauge, and logs it when past the threshold.</summary>
    /// <exception cref="NpgsqlException">The replica could not be reached.</exception>
    public async Task<PgVectorReplicaSample> MeasureAsync(CancellationToken cancellationToken)
    {
        var command = read.CreateCommand(LagSql);
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var sample = new PgVectorReplicaSample(reader.GetBoolean(0), Math.Max(0, reader.GetDouble(1)));
                PgVectorMetrics.ReplicaLag(table, sample.LagSeconds);
                if (sample.LagSeconds > options.ReplicaLagThreshold.TotalSeconds)
                {
                    PgVectorLog.ReplicaLagging(logger, table, Math.Round(sample.LagSeconds, 3), options.ReplicaLagThreshold.TotalSeconds, options.ReadYourWrites);
                }

                return sample;
            }
        }
    }

    /// <summary>Starts a measurement in the background when the last one is <see cref="SampleInterval"/> old; the caller never waits
    /// for it. Bounded by <see cref="PgVectorKnowledgeBaseOptions.ReplicaTimeout"/>; a failure is ignored (the search reports it).</summary>
    public void SampleInBackground()
    {
        var now = Stopwatch.GetTimestamp();
        var due = Interlocked.Read(ref _nextSample);
        if (now < due || Interlocked.CompareExchange(ref _nextSample, now + (long)(SampleInterval.TotalSeconds * Stopwatch.Frequency), due) != due)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            using var bound = new CancellationTokenSource(options.ReplicaTimeout);
            try
            {
                await MeasureAsync(bound.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException or InvalidOperationException)
            {
                // The replica is down or hung: the search that started this finds out itself (and opens the circuit).
            }
        });
    }
}
