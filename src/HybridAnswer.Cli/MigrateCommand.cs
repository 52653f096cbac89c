using System.CommandLine;
using System.Globalization;
using HybridAnswer.PgVector;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HybridAnswer.Cli;

/// <summary><c>migrate --connection CS [--print-sql] [--dimensions N] [--vector-storage float16] [--tenant-partitions N]</c>: create or upgrade the pgvector schema, or print its SQL for hosts that run their own migrations.</summary>
internal static class MigrateCommand
{
    // pgvector's HNSW limits, as PgVectorKnowledgeBaseOptions validates them.
    private const int MaxVectorDimensions = 2000;
    private const int MaxHalfvecDimensions = 4000;

    public static Command Create(TextWriter output)
    {
        var connection = KnowledgeSourceOptions.Connection("PostgreSQL connection string of the pgvector knowledge base (required unless --print-sql).");
        var printSql = new Option<bool>("--print-sql") { Description = "Print the idempotent SQL script instead of applying it." };
        var dimensions = new Option<int?>("--dimensions")
        {
            Description = $"Embedding dimensions, 1-2000, or 1-4000 with --vector-storage float16 (default: {HashingEmbeddingGenerator.DefaultDimensions}, those of the embedded embedder).",
            Validators =
            {
                result =>
                {
                    if (result.GetValueOrDefault<int?>() is { } d && (d < 1 || d > MaxHalfvecDimensions))
                    {
                        result.AddError($"--dimensions must be between 1 and {MaxHalfvecDimensions} (was {d}).");
                    }
                },
            },
        };

        var partitions = new Option<int?>("--tenant-partitions")
        {
            Description = "Hash-partition the chunks table by tenant into N partitions, 2-1024, each with its own HNSW index (schema version 2; converts an existing table).",
            Validators =
            {
                result =>
                {
                    if (result.GetValueOrDefault<int?>() is { } n && (n < 2 || n > 1024))
                    {
                        result.AddError($"--tenant-partitions must be between 2 and 1024 (was {n}).");
                    }
                },
            },
        };

        var storage = new Option<PgVectorStorage?>("--vector-storage")
        {
            Description = "How the embedding column stores each dimension: float32 (vector, the default) or float16 (halfvec: half the size, up to 4000 dimensions; pgvector 0.7+). Only when the table is created; an existing table of the other storage fails.",
        };

        var command = new Command("migrate", "Create or upgrade the PostgreSQL + pgvector schema (idempotent, safe to run concurrently), or print it with --print-sql.")
        {
            connection, printSql, dimensions, storage, partitions,
        };
        var logging = new LoggingOptions();
        logging.AddTo(command);
        command.Validators.Add(result =>
        {
            if (result.GetValue(dimensions) is > MaxVectorDimensions and var d && result.GetValue(storage) != PgVectorStorage.Float16)
            {
                result.AddError($"--dimensions {d} is more than the {MaxVectorDimensions} an HNSW index takes on vector: add --vector-storage float16 (halfvec, up to {MaxHalfvecDimensions}).");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var dims = parse.GetValue(dimensions) ?? HashingEmbeddingGenerator.DefaultDimensions;
            if (parse.GetValue(printSql))
            {
                await output.WriteAsync(PgVectorKnowledgeBase.CreateSchemaScript(new PgVectorKnowledgeBaseOptions
                {
                    Dimensions = dims,
                    VectorStorage = parse.GetValue(storage) ?? PgVectorStorage.Float32,
                    TenantPartitions = parse.GetValue(partitions),
                })).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var connectionString = parse.GetValue(connection) ?? throw new CliUsageException("migrate needs --connection (or --print-sql to print the SQL).");
            var services = new ServiceCollection();
            logging.Register(services, parse);
            services.AddHybridAnswering().UsePgVector(connectionString, o =>
            {
                o.Dimensions = dims;
                o.VectorStorage = parse.GetValue(storage) ?? o.VectorStorage;
                o.TenantPartitions = parse.GetValue(partitions) ?? o.TenantPartitions;
            });
            await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
            var knowledgeBase = (PgVectorKnowledgeBase)provider.GetRequiredService<IKnowledgeBase>();
            var version = await knowledgeBase.MigrateAsync(cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Schema at version {version} ({(provider.GetRequiredService<IOptions<PgVectorKnowledgeBaseOptions>>().Value.VectorStorage == PgVectorStorage.Float16 ? "halfvec" : "vector")}({knowledgeBase.Dimensions})).")).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }
}
