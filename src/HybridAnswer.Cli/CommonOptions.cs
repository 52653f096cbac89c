using System.CommandLine;
using System.Globalization;
using System.CommandLine.Parsing;

namespace HybridAnswer.Cli;

/// <summary>Options shared by several commands, with their parsing and validation.</summary>
internal static class CommonOptions
{
    public static string DefaultDocsDirectory => Path.Combine(AppContext.BaseDirectory, "samples");

    public static Option<DirectoryInfo> Docs(string description = "Folder of Markdown/text documents, read recursively (default: the bundled sample knowledge base).") => new("--docs")
    {
        Description = description,
        DefaultValueFactory = _ => new DirectoryInfo(DefaultDocsDirectory),

        // The built-in converter throws on paths with characters the OS rejects; report them as usage errors instead.
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            try
            {
                return string.IsNullOrWhiteSpace(text) ? throw new ArgumentException("empty") : new DirectoryInfo(text);
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
            {
                result.AddError($"--docs '{text}' is not a usable folder path.");
                return null;
            }
        },
    };

    public static Option<string[]> Filter() => new("--filter")
    {
        Description = "Metadata filter key=value (repeatable; all must match), e.g. --filter status=published.",
        Arity = ArgumentArity.ZeroOrMore,
        AllowMultipleArgumentsPerToken = false,
        Validators = { ValidateFilter },
    };

    public static Option<AnswerMode?> Mode() => new("--mode")
    {
        Description = "Answering mode: rag, finetuned or hybrid (default: rag).",
        CustomParser = ParseMode,
    };

    public static Option<int?> TopK() =>
        NumberOption.CreateOptional("--top-k", "How many chunks to retrieve, 1-100 (default: 5).", 1, RetrievalRequest.MaxTopK);

    public static Option<bool> Json() => new("--json") { Description = "Print one JSON object instead of text." };

    public static Dictionary<string, string> ParseFilters(IEnumerable<string>? values)
    {
        var filters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in values ?? [])
        {
            var (key, text) = SplitFilter(value) ?? throw new CliUsageException($"--filter '{value}' is not key=value.");
            filters[key] = text;
        }

        return filters;
    }

    /// <summary>
    /// Loads a <c>--docs</c> folder as <c>ingest</c> does: each file decided on its own, each one that gave no document named on
    /// <paramref name="error"/> with the reason (a link out of the folder, not UTF-8, too large, ...), the others loaded.
    /// </summary>
    /// <returns>The documents, and whether some files were skipped (the command then exits <see cref="ExitCodes.Partial"/>).</returns>
    public static async Task<(IReadOnlyList<KnowledgeDocument> Documents, bool Partial)> LoadDocumentsAsync(DirectoryInfo directory, TextWriter error, CancellationToken cancellationToken)
    {
        if (!directory.Exists)
        {
            throw new CliUsageException($"--docs: the folder '{directory.FullName}' does not exist.");
        }

        var load = await KnowledgeDocumentLoader.ReadDirectoryAsync(directory.FullName, cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var failure in load.Failures)
        {
            await error.WriteLineAsync($"warning: skipped '{failure.Path}': {failure.Reason}").ConfigureAwait(false);
        }

        if (load.Documents.Count == 0)
        {
            throw load.Failures.Count == 0
                ? new CliUsageException($"--docs: the folder '{directory.FullName}' has no *.md or *.txt files.")
                : new InvalidDataException($"--docs: no file of the folder '{directory.FullName}' could be read ({load.Failures.Count} skipped).");
        }

        return (load.Documents, load.Failures.Count > 0);
    }

    private static void ValidateFilter(OptionResult result)
    {
        foreach (var token in result.Tokens)
        {
            if (SplitFilter(token.Value) is null)
            {
                result.AddError($"--filter '{token.Value}' is not key=value (a non-empty key, '=', a value).");
            }
        }
    }

    private static (string Key, string Value)? SplitFilter(string value)
    {
        var equals = value.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            return null;
        }

        var key = value[..equals].Trim();
        return key.Length == 0 ? null : (key, value[(equals + 1)..].Trim());
    }

    private static AnswerMode? ParseMode(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        switch (text.ToUpperInvariant())
        {
            case "RAG": return AnswerMode.Rag;
            case "FINETUNED" or "FINE-TUNED" or "FT": return AnswerMode.FineTuned;
            case "HYBRID": return AnswerMode.Hybrid;
            default:
                result.AddError($"--mode must be rag, finetuned or hybrid (was '{text}').");
                return null;
        }
    }
}
