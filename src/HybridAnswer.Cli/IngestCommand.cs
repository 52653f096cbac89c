using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace HybridAnswer.Cli;

/// <summary>
/// <c>ingest --docs DIR --connection CS [--prune [--force]] [--dry-run] [--max-file-mb N] [--json]</c>: load a folder into a
/// pgvector knowledge base, re-embedding only what changed. Each file is decided on its own: the good ones are ingested, each bad
/// one is reported on stderr by name with the reason and the exit code is <see cref="ExitCodes.Partial"/>; a document whose file
/// failed to read is neither rewritten nor pruned.
/// </summary>
internal static class IngestCommand
{
    public static Command Create(TextWriter output, TimeProvider? time = null)
    {
        var docs = CommonOptions.Docs("Folder of Markdown/text documents to ingest, read recursively (default: the bundled sample knowledge base).");
        var connection = KnowledgeSourceOptions.Connection("PostgreSQL connection string of the pgvector knowledge base (required).");
        var prune = new Option<bool>("--prune") { Description = "Delete stored documents whose file is no longer in the folder (never one whose file is there but failed to read)." };
        var force = new Option<bool>("--force") { Description = "With --prune: delete even when that removes more than half of the stored documents." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Change nothing: read the folder and list what --prune would delete." };
        var maxFileMb = NumberOption.Create("--max-file-mb", "Largest file read, in MiB, 1-1024 (default: 10); larger files are reported and skipped.", 1, 1024, fallback: (int)(KnowledgeLoaderOptions.DefaultMaxFileBytes >> 20));
        var tenant = new Option<string?>("--tenant") { Description = "Tenant that owns the documents (multi-tenant knowledge bases)." };
        var json = CommonOptions.Json();
        var embedder = new EmbedderOptions();
        var logging = new LoggingOptions();

        var command = new Command("ingest", "Ingest a folder into a PostgreSQL + pgvector knowledge base: unchanged documents are skipped, changed ones replaced, and with --prune removed files deleted. Exit code 3 when some files could not be read (the others are ingested).")
        {
            docs, connection, prune, force, dryRun, maxFileMb, tenant, json,
        };
        embedder.AddTo(command);
        logging.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;

            // Not Required on the option: its default ($HYBRIDANSWER_CONNECTION) would satisfy that even when it is unset.
            var connectionString = parse.GetValue(connection)
                ?? throw new CliUsageException($"ingest needs --connection (or {KnowledgeSourceOptions.ConnectionVariable} set to a connection string).");
            var tenantId = parse.GetValue(tenant) is { Length: > 0 } t ? t : null;
            var folder = parse.GetValue(docs)!;
            if (!folder.Exists)
            {
                throw new CliUsageException($"--docs: the folder '{folder.FullName}' does not exist.");
            }

            var load = await KnowledgeDocumentLoader.ReadDirectoryAsync(
                folder.FullName, new KnowledgeLoaderOptions { TenantId = tenantId, MaxFileBytes = (long)parse.GetValue(maxFileMb) << 20 }, cancellationToken).ConfigureAwait(false);
            if (load.Documents.Count == 0 && load.Failures.Count == 0)
            {
                throw new CliUsageException($"--docs: the folder '{folder.FullName}' has no *.md or *.txt files.");
            }

            foreach (var failure in load.Failures)
            {
                await error.WriteLineAsync($"warning: skipped '{failure.Path}': {failure.Reason}").ConfigureAwait(false);
            }

            var documents = load.Documents;
            var services = new ServiceCollection();
            logging.Register(services, parse);
            var builder = services.AddHybridAnswering().UsePgVector(connectionString);
            embedder.Register(builder, parse);
            await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
            var knowledgeBase = provider.GetRequiredService<IKnowledgeBase>();

            // Decide what --prune deletes before anything is written: a refusal then leaves the knowledge base as it was.
            var gone = new List<string>();
            if (parse.GetValue(prune))
            {
                // A file that is there but failed to read keeps its stored document: it did not disappear.
                var present = documents.Select(d => d.Id).Concat(load.Failures.Select(f => f.DocumentId).OfType<string>()).ToHashSet(StringComparer.Ordinal);
                var stored = await knowledgeBase.ListDocumentIdsAsync(tenantId, cancellationToken).ConfigureAwait(false);
                gone = [.. stored.Where(id => !present.Contains(id))];
                if (gone.Count > 0 && gone.Count * 2 > stored.Count && !parse.GetValue(force) && !parse.GetValue(dryRun))
                {
                    await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"error: --prune would delete {gone.Count} of the {stored.Count} stored documents, more than half; nothing was changed. Check --docs, list them with --dry-run, or pass --force.")).ConfigureAwait(false);
                    return ExitCodes.Failure;
                }
            }

            var exit = load.Failures.Count == 0 ? ExitCodes.Success : documents.Count == 0 ? ExitCodes.Failure : ExitCodes.Partial;
            if (parse.GetValue(dryRun))
            {
                await WriteDryRunAsync(output, parse.GetValue(json), documents.Count, load.Failures, gone).ConfigureAwait(false);
                return exit;
            }

            var result = await IngestProgress.UpsertAsync(knowledgeBase, documents, error, time, cancellationToken).ConfigureAwait(false);

            if (gone.Count > 0)
            {
                result = result.Add(new IngestResult { Deleted = await knowledgeBase.DeleteAsync(gone, tenantId, cancellationToken).ConfigureAwait(false) });
            }

            if (parse.GetValue(json))
            {
                var counts = new Dictionary<string, int>
                {
                    ["added"] = result.Added,
                    ["updated"] = result.Updated,
                    ["unchanged"] = result.Unchanged,
                    ["deleted"] = result.Deleted,
                    ["failed"] = load.Failures.Count,
                };
                await output.WriteLineAsync(JsonSerializer.Serialize(counts)).ConfigureAwait(false);
            }
            else
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{documents.Count} documents: {result.Added} added, {result.Updated} updated, {result.Unchanged} unchanged, {result.Deleted} deleted{(load.Failures.Count > 0 ? $"; {load.Failures.Count} files failed to read" : string.Empty)}.")).ConfigureAwait(false);
            }

            return exit;
        });
        return command;
    }

    private static async Task WriteDryRunAsync(TextWriter output, bool json, int documents, IReadOnlyList<KnowledgeLoadFailure> failures, List<string> gone)
    {
        if (json)
        {
            var report = new Dictionary<string, object>
            {
                ["dryRun"] = true,
                ["documents"] = documents,
                ["failed"] = failures.Select(f => f.Path).ToList(),
                ["wouldDelete"] = gone,
            };
            await output.WriteLineAsync(JsonSerializer.Serialize(report)).ConfigureAwait(false);
            return;
        }

        foreach (var id in gone)
        {
            await output.WriteLineAsync("would delete: " + id).ConfigureAwait(false);
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"dry run: {documents} documents read, {failures.Count} files failed, {gone.Count} documents would be deleted; nothing was changed.")).ConfigureAwait(false);
    }
}
