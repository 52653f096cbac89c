using HybridAnswer.PgVector;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the health check of the PostgreSQL knowledge base to ASP.NET Core / Generic Host health checks.</summary>
public static class PgVectorHealthChecksBuilderExtensions
{
    /// <summary>The default name of the check.</summary>
    public const string DefaultName = "pgvector-knowledge-base";

    /// <summary>
    /// Checks the knowledge base chosen with <c>UsePgVector(...)</c>, without changing anything: the primary answers, the
    /// <c>vector</c> extension and the table exist with the configured dimensions, and the schema is at the version this library
    /// needs (else <paramref name="failureStatus"/>, with a description that says what to do); when searches read a replica, the
    /// replica answers (else <see cref="HealthStatus.Degraded"/>: searches fall back to the primary). A missing or older schema is
    /// <see cref="HealthStatus.Degraded"/> instead while <see cref="PgVectorKnowledgeBaseOptions.AutoMigrate"/> is on, since the
    /// first use migrates it. The result's data holds the table, the schema versions and the pgvector version.
    /// </summary>
    /// <param name="builder">The health checks builder (<c>services.AddHealthChecks()</c>).</param>
    /// <param name="name">The name of the check.</param>
    /// <param name="failureStatus">The status reported on failure; <see cref="HealthStatus.Unhealthy"/> when <see langword="null"/>.</param>
    /// <param name="tags">Tags to filter checks by (e.g. <c>ready</c> for a readiness endpoint).</param>
    /// <param name="timeout">How long the check may take; the host's default (none) when <see langword="null"/>. A few seconds keeps a
    /// probe from hanging on an unreachable server for the whole connection timeout.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddPgVectorKnowledgeBase(
        this IHealthChecksBuilder builder,
        string name = DefaultName,
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null,
        TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return builder.Add(new HealthCheckRegistration(
            name,
            sp => new PgVectorHealthCheck(() => sp.GetService<PgVectorKnowledgeBase>() ?? throw new InvalidOperationException(
                "AddPgVectorKnowledgeBase() found no PostgreSQL knowledge base: choose it with services.AddHybridAnswering().UsePgVector(...).")),
            failureStatus,
            tags,
            timeout));
    }
}
