using System.CommandLine;
using System.Globalization;
using HybridAnswer.PgVector;
using Microsoft.Extensions.DependencyInjection;

namespace HybridAnswer.Cli;

/// <summary><c>migrate --connection CS [--print-sql]</c>: create or upgrade the pgvector schema, or print its SQL for hosts that run their own migrations.</summary>
internal static class MigrateCommand
{
    public static Command Create(TextWriter output)
    {
        var connection = KnowledgeSourceOptions.Connection("PostgreSQL connection string of the pgvector knowledge base (required unless --print-sql).");
        var printSql = new Option<bool>("--print-sql") { Description = "Print the idempotent SQL script instead of applying it." };
        var dimensions = new Option<int?>("--dimensions")
        {
            Description = $"Embedding dimensions, 1-2000 (default: {HashingEmbeddingGenerator.DefaultDimensions}, those of the embedded embedder).",
            Validators =
            {
                result =>
                {
                    if (result.GetValueOrDefault<int?>() is { } d && (d < 1 || d > 2000))
                    {
                        result.AddError($"--dimensions must be between 1 and 2000 (was {d}).");
                    }
                },
            },
        };

        var command = new Command("migrate", "Create or upgrade the PostgreSQL + pgvector schema (idempotent, safe to run concurrently), or print it with --print-sql.")
        {
            connection, printSql, dimensions,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var dims = parse.GetValue(dimensions) ?? HashingEmbeddingGenerator.DefaultDimensions;
            if (parse.GetValue(printSql))
            {
                await output.WriteAsync(PgVectorKnowledgeBase.CreateSchemaScript(new PgVectorKnowledgeBaseOptions { Dimensions = dims })).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var connectionString = parse.GetValue(connection) ?? throw new CliUsageException("migrate needs --connection (or --print-sql to print the SQL).");
            var services = new ServiceCollection();
            services.AddHybridAnswering().UsePgVector(connectionString, o => o.Dimensions = dims);
            await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
            var knowledgeBase = (PgVectorKnowledgeBase)provider.GetRequiredService<IKnowledgeBase>();
            var version = await knowledgeBase.MigrateAsync(cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Schema at version {version} (vector({knowledgeBase.Dimensions})).")).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }
}
