using HybridAnswer;
using HybridAnswer.PgVector;
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
    /// <c>AddNpgsqlDataSource(connectionString, b => b.UseVector())</c>, or keyed, as .NET Aspire registers them, with
    /// <paramref name="serviceKey"/>), or else <c>HybridAnswering:PgVector:ConnectionString</c>. The container owns the data source.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adjusts the options after configuration binding.</param>
    /// <param name="serviceKey">
    /// The key of a keyed <see cref="NpgsqlDataSource"/> (<c>AddKeyedNpgsqlDataSource("db", ...)</c>: <c>UsePgVector(serviceKey: "db")</c>);
    /// <see langword="null"/> for the unkeyed one. Pass it by name: a string in first position is the connection-string overload.
    /// </param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">
    /// At resolution: <paramref name="serviceKey"/> is given and no data source is registered under it; or no data source is
    /// registered and no connection string is configured (the message names the keys of keyed data sources, if any).
    /// </exception>
    public static HybridAnsweringBuilder UsePgVector(this HybridAnsweringBuilder builder, Action<PgVectorKnowledgeBaseOptions>? configure = null, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddOptions(builder.Services, configure);
        var services = builder.Services;
        return builder.UseKnowledgeBase(sp =>
        {
            if (serviceKey is not null)
            {
                return Create(sp, sp.GetKeyedService<NpgsqlDataSource>(serviceKey) ?? throw new InvalidOperationException(
                    $"UsePgVector(serviceKey: {Describe(serviceKey)}) found no NpgsqlDataSource registered under that key."), null, []);
            }

            if (sp.GetService<NpgsqlDataSource>() is { } registered)
            {
                return Create(sp, registered, null, []);
            }

            var options = sp.GetRequiredService<IOptions<PgVectorKnowledgeBaseOptions>>().Value;
            if (string.IsNullOrWhiteSpace(options.ConnectionString))
            {
                var keyed = services.Where(d => d.IsKeyedService && d.ServiceType == typeof(NpgsqlDataSource)).Select(d => Describe(d.ServiceKey)).ToList();
                var hint = keyed.Count == 0 ? string.Empty : $" A data source is registered under the key {string.Join(", ", keyed)}: choose it with UsePgVector(serviceKey: {keyed[0]}).";
                throw new InvalidOperationException(
                    $"UsePgVector() found no NpgsqlDataSource in the container and no {PgVectorKnowledgeBaseOptions.SectionName}:{nameof(PgVectorKnowledgeBaseOptions.ConnectionString)}.{hint}");
            }

            var (write, read, owned) = PgVectorDataSources.Create(options.ConnectionString, options.ReadConnectionString);
            return Create(sp, write, read, owned);
        });
    }

    /// <summary>
    /// Creates or upgrades the schema while the host starts (an <c>IHostedLifecycleService</c> that runs before the other hosted
    /// services, so before ASP.NET Core accepts requests), instead of on first use: the first request does not pay for the
    /// migration, and a failure (no permission to create the extension or the table, server unreachable, a table of other
    /// dimensions) stops the start with a <see cref="PgVectorStoreException"/> saying what to do. Idempotent, and safe with several
    /// instances starting at once (one transaction under an advisory lock). Needs a Generic Host; a bare service provider never
    /// starts hosted services.
    /// </summary>
    /// <param name="builder">The builder, after <c>UsePgVector(...)</c>.</param>
    /// <returns>The builder.</returns>
    public static HybridAnsweringBuilder MigratePgVectorOnStartup(this HybridAnsweringBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<Hosting.IHostedService, PgVectorMigrationHostedService>());
        return builder;
    }

    private static PgVectorKnowledgeBase Create(IServiceProvider services, NpgsqlDataSource write, NpgsqlDataSource? read, IReadOnlyList<NpgsqlDataSource> owned)
    {
        try
        {
            return new PgVectorKnowledgeBase(
                write,
                services.GetKnowledgeBaseEmbeddingGenerator(),
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

    private static string Describe(object? key) => key is string s ? $"\"{s}\"" : key?.ToString() ?? "null";

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
