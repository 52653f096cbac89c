using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace HybridAnswer.Cli;

/// <summary><c>ingest --docs DIR --connection CS [--prune] [--json]</c>: load a folder into a pgvector knowledge base, re-embedding only what changed.</summary>
internal static class IngestCommand
{
    public static Command Create(TextWriter output)
    {
        var docs = CommonOptions.Docs("Folder of Markdown/text documents to ingest, read recursively (default: the bundled sample knowledge base).");
        var connection = KnowledgeSourceOptions.Connection("PostgreSQL connection string of the pgvector knowledge base (required).");
        connection.Required = true;
        var prune = new Option<bool>("--prune") { Description = "Delete stored documents whose file is no longer in the folder." };
        var tenant = new Option<string?>("--tenant") { Description = "Tenant that owns the documents (multi-tenant knowledge bases)." };
        var json = CommonOptions.Json();
        var embedder = new EmbedderOptions();

        var command = new Command("ingest", "Ingest a folder into a PostgreSQL + pgvector knowledge base: unchanged documents are skipped, changed ones replaced, and with --prune removed files deleted.")
        {
            docs, connection, prune, tenant, json,
        };
        embedder.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var tenantId = parse.GetValue(tenant) is { Length: > 0 } t ? t : null;
            var documents = await CommonOptions.LoadDocumentsAsync(parse.GetValue(docs)!, cancellationToken).ConfigureAwait(false);
            documents = [.. documents.Select(d => d with { TenantId = tenantId })];

            var services = new ServiceCollection();
            var builder = services.AddHybridAnswering().UsePgVector(parse.GetValue(connection)!);
            embedder.Register(builder, parse);
            await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
            var knowledgeBase = provider.GetRequiredService<IKnowledgeBase>();

            var result = await knowledgeBase.UpsertAsync(documents, cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(prune))
            {
                var present = documents.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
                var stored = await knowledgeBase.ListDocumentIdsAsync(tenantId, cancellationToken).ConfigureAwait(false);
                var gone = stored.Where(id => !present.Contains(id)).ToList();
                var deleted = gone.Count == 0 ? 0 : await knowledgeBase.DeleteAsync(gone, tenantId, cancellationToken).ConfigureAwait(false);
                result = result with { Deleted = deleted };
            }

            if (parse.GetValue(json))
            {
                var counts = new Dictionary<string, int>
                {
                    ["added"] = result.Added,
                    ["updated"] = result.Updated,
                    ["unchanged"] = result.Unchanged,
                    ["deleted"] = result.Deleted,
                };
                await output.WriteLineAsync(JsonSerializer.Serialize(counts)).ConfigureAwait(false);
            }
            else
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{documents.Count} documents: {result.Added} added, {result.Updated} updated, {result.Unchanged} unchanged, {result.Deleted} deleted.")).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
