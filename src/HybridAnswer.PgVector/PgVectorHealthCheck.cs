using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace HybridAnswer.PgVector;

/// <summary>
/// The health of a PostgreSQL knowledge base, read-only: the primary answers, the <c>vector</c> extension and the table exist with
/// the configured dimensions, and every schema version these options need is recorded; when searches read a replica, whether it
/// answers and how far behind it is. <see cref="HealthStatus.Degraded"/> when answers go on but something is wrong: the replica down
/// or hung (searches fall back to the primary), further behind than <see cref="PgVectorKnowledgeBaseOptions.ReplicaLagThreshold"/>, or the primary down while the replica serves searches (<c>canAnswer</c> true, <c>canWrite</c> false).
/// </summary>
internal sealed class PgVectorHealthCheck(Func<PgVectorKnowledgeBase> knowledgeBase) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var kb = knowledgeBase();
        var failure = context.Registration.FailureStatus;
        var data = new Dictionary<string, object> { ["table"] = kb.DisplayName, ["requiredSchemaVersion"] = kb.SchemaVersion };
        int version;
        IReadOnlyList<int> pending;
        try
        {
            (version, pending, var extension) = await kb.Store.Migrator.InspectAsync(cancellationToken).ConfigureAwait(false);
            data["schemaVersion"] = version;
            data["pgvectorVersion"] = extension;
        }
        catch (PgVectorStoreException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.UndefinedObject && kb.Options.AutoMigrate)
        {
            // Not a fault yet: the first use creates it. Reporting Unhealthy would keep a readiness probe from ever sending that first use.
            return new HealthCheckResult(HealthStatus.Degraded, $"{e.Message} It is created on first use (AutoMigrate); migrate at start-up to have it before the first request.", e, data);
        }
        catch (PgVectorStoreException e) when (kb.Store.HasReplica && PgVectorErrors.IsBrokenConnection(e.InnerException))
        {
            // The primary is down but searches read a replica: "can answer, cannot write" is Degraded, not Unhealthy, so an
            // orchestrator keeps the instances that still answer. Unhealthy only when the replica cannot serve either.
            data["transient"] = e.IsTransient;
            data["canWrite"] = false;
            try
            {
                await kb.Store.Migrator.CheckOnReadReplicaAsync(cancellationToken).ConfigureAwait(false);
                AddReplica(data, await kb.Store.ReadReplicaStateAsync(cancellationToken).ConfigureAwait(false));
            }
            catch (PgVectorStoreException replica)
            {
                data["canAnswer"] = false;
                return new HealthCheckResult(failure, $"{e.Message} The read replica cannot serve searches either: {replica.Message}", e, data);
            }

            data["canAnswer"] = true;
            return new HealthCheckResult(HealthStatus.Degraded, $"The primary cannot be reached: writes (ingest, delete) fail; searches are answered by the read replica. {e.Message}", e, data);
        }
        catch (PgVectorStoreException e)
        {
            data["transient"] = e.IsTransient;
            data["canAnswer"] = false;
            data["canWrite"] = false;
            return new HealthCheckResult(failure, e.Message, e, data);
        }

        data["canWrite"] = true;
        data["canAnswer"] = true;

        // Not "version < required": version 2 (tenant partitions) is optional, so a table at 3 may still need 2 once the option is on.
        if (pending.Count > 0)
        {
            data["pendingSchemaVersions"] = string.Join(",", pending);
            var description = pending.All(p => p > version)
                ? string.Create(CultureInfo.InvariantCulture, $"The schema of {kb.DisplayName} is at version {version}; this version of HybridAnswer needs {kb.SchemaVersion}: run 'hybrid-answer migrate'")
                : string.Create(CultureInfo.InvariantCulture, $"The schema of {kb.DisplayName} is at version {version} but lacks version {string.Join(", ", pending)}, which these options need: run 'hybrid-answer migrate'");
            return kb.Options.AutoMigrate
                ? new HealthCheckResult(HealthStatus.Degraded, description + " (or let the first use migrate it: AutoMigrate is on).", data: data)
                : new HealthCheckResult(failure, description + ".", data: data);
        }

        if (kb.Store.HasReplica)
        {
            PgVectorReplicaSample replica;
            try
            {
                replica = await kb.Store.ReadReplicaStateAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PgVectorStoreException e)
            {
                // Searches fall back to the primary: they still answer.
                data["readReplica"] = "unreachable";
                return new HealthCheckResult(HealthStatus.Degraded, $"The read replica is unreachable; searches read the primary meanwhile. {e.Message}", e, data);
            }

            AddReplica(data, replica);
            var threshold = kb.Options.ReplicaLagThreshold;
            if (replica.LagSeconds > threshold.TotalSeconds)
            {
                // Answers go on, but searches that need no commit position see data that old (with ReadYourWrites or a
                // MinCommitPosition, the searches that need a newer write read the primary until the replica has it).
                return new HealthCheckResult(HealthStatus.Degraded, string.Create(CultureInfo.InvariantCulture,
                    $"The read replica is {replica.LagSeconds:0.###} s behind the primary (ReplicaLagThreshold {threshold.TotalSeconds:0.###} s): searches there may miss writes of the last {replica.LagSeconds:0.#} s."), data: data);
            }
        }

        return HealthCheckResult.Healthy(string.Create(CultureInfo.InvariantCulture, $"{kb.DisplayName} at schema version {version}."), data);
    }

    private static void AddReplica(Dictionary<string, object> data, PgVectorReplicaSample replica)
    {
        data["readReplicaInRecovery"] = replica.InRecovery;
        data["readReplicaLagSeconds"] = replica.LagSeconds;
    }
}
