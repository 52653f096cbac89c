using HybridAnswer;
using HybridAnswer.PgVector;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses PostgreSQL + pgvector as the knowledge base of HybridAnswer.</summary>
public static class PgVectorHybridAnsweringBuilderExtensions
{
    /// <summary>
    /// Stores knowledge in PostgreSQL with pgvector, connecting with a connection string. The data sources are created (with
    /// <c>UseVector()</c>) and disposed with the container. A multi-host connection string (<c>Host=primary,replica1,replica2</c>)
    /// writes to the primary and reads from a standby when one is up. Options bind from <c>HybridAnswering:PgVector</c>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="connectionString">The connection string of the primary.</param>
    /// <param name="configure">Adjusts the options after configuration binding.</param>
    /// <returns>The builder.</returns>
    public static HybridAnsweringBuilder UsePgVector(this HybridAnsweringBuilder builder, string connectionString, Action<PgVectorKnowledgeBaseOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        AddOptions(builder.Services, configure);
        return builder.UseKnowledgeBase(sp =>
        {
            var options = sp.GetRequiredService<IOptions<PgVectorKnowledgeBaseOptions>>().Value;
            var (write, read, owned) = PgVectorDataSources.Create(connectionString, options.ReadConnectionString);
            return Create(sp, write, read, owned);
        });
    }

    /// <summary>Stores knowledge in PostgreSQL with pgvector through data sources the host built (with <c>UseVector()</c>) and owns.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="dataSource">The primary: migrations, ingestion, and retrieval unless <paramref name="readDataSource"/> is given.</param>
    /// <param name="readDataSource">A data source for retrieval only, e.g. a read replica.</param>
    /// <param name="configure">Adjusts the options after configuration binding.</param>
    /// <returns>The builder.</returns>
    public static HybridAnsweringBuilder UsePgVector(this HybridAnsweringBuilder builder, NpgsqlDataSource dataSource, NpgsqlDataSource? readDataSource = null, Action<PgVectorKnowledgeBaseOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dataSource);
        AddOptions(builder.Services, configure);
        return builder.UseKnowledgeBase(sp => Create(sp, dataSource, readDataSource, []));
    }

    /// <summary>
    /// Stores knowledge in PostgreSQL with pgvector through the <see cref="NpgsqlDataSource"/> registered in the container (e.g. by
    /// <c>AddNpgsqlDataSource(connectionString, b => b.UseVector())</c>), or else <c>HybridAnswering:PgVector:ConnectionString</c>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adjusts the options after configuration binding.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">At resolution: no data source is registered and no connection string is configured.</exception>
    public static HybridAnsweringBuilder UsePgVector(this HybridAnsweringBuilder builder, Action<PgVectorKnowledgeBaseOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddOptions(builder.Services, configure);
        return builder.UseKnowledgeBase(sp =>
        {
            if (sp.GetService<NpgsqlDataSource>() is { } registered)
            {
                return Create(sp, registered, null, []);
            }

            var options = sp.GetRequiredService<IOptions<PgVectorKnowledgeBaseOptions>>().Value;
            if (string.IsNullOrWhiteSpace(options.ConnectionString))
            {
                throw new InvalidOperationException(
                    $"UsePgVector() found no NpgsqlDataSource in the container and no {PgVectorKnowledgeBaseOptions.SectionName}:{nameof(PgVectorKnowledgeBaseOptions.ConnectionString)}.");
            }

            var (write, read, owned) = PgVectorDataSources.Create(options.ConnectionString, options.ReadConnectionString);
            return Create(sp, write, read, owned);
        });
    }

    private static PgVectorKnowledgeBase Create(IServiceProvider services, NpgsqlDataSource write, NpgsqlDataSource? read, IReadOnlyList<NpgsqlDataSource> owned)
    {
        try
        {
            return new PgVectorKnowledgeBase(
                write,
                services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>(),
                services.GetRequiredService<IOptions<PgVectorKnowledgeBaseOptions>>().Value,
                services.GetRequiredService<IOptions<HybridAnsweringOptions>>().Value.Chunking,
                read,
                services.GetService<ILogger<PgVectorKnowledgeBase>>(),
                owned);
        }
        catch
        {
            foreach (var dataSource in owned)
            {
                dataSource.Dispose();
            }

            throw;
        }
    }

    private static void AddOptions(IServiceCollection services, Action<PgVectorKnowledgeBaseOptions>? configure)
    {
        services.AddOptions<PgVectorKnowledgeBaseOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<PgVectorKnowledgeBaseOptions>, ConfigurationSectionSetup<PgVectorKnowledgeBaseOptions>>(
            sp => new ConfigurationSectionSetup<PgVectorKnowledgeBaseOptions>(sp, PgVectorKnowledgeBaseOptions.SectionName)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PgVectorKnowledgeBaseOptions>, PgVectorKnowledgeBaseOptionsValidator>());
        if (configure is not null)
        {
            services.Configure(configure);
        }
    }
}
