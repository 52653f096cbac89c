using System.CommandLine;
using HybridAnswer.Embeddings.MiniLM;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HybridAnswer.Cli;

/// <summary>
/// <c>--embedder minilm|hashing</c> and <c>--no-embedding-cache</c>: which embedding model a command uses. MiniLM (the default)
/// is a real local semantic model; its embeddings are kept in a file cache so a folder is embedded once. Hashing is the lexical
/// embedder of the core library: no model, no cache needed.
/// </summary>
internal sealed class EmbedderOptions
{
    public const string MiniLM = "minilm";
    public const string Hashing = "hashing";

    private readonly Option<string> _embedder = new("--embedder")
    {
        Description = "Embedding model: minilm (local semantic model all-MiniLM-L6-v2, the default) or hashing (lexical, no model).",
        DefaultValueFactory = _ => MiniLM,
    };

    private readonly Option<bool> _noCache = new("--no-embedding-cache")
    {
        Description = "Do not read or write the embedding cache (default: the user's cache folder, or HYBRIDANSWER_CACHE_DIR).",
    };

    public EmbedderOptions() => _embedder.AcceptOnlyFromAmong(MiniLM, Hashing);

    public void AddTo(Command command)
    {
        command.Options.Add(_embedder);
        command.Options.Add(_noCache);
    }

    public void Register(HybridAnsweringBuilder builder, ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(parse);
        if (parse.GetValue(_embedder) != MiniLM)
        {
            return;
        }

        builder.UseMiniLMEmbeddings();
        if (parse.GetValue(_noCache))
        {
            return;
        }

        // The library's own caching, with the user's cache folder as HybridCache's second level: asking about the same folder
        // again embeds nothing but the question.
        builder.Services.AddSingleton<IDistributedCache>(_ => new FileDistributedCache(FileDistributedCache.DefaultDirectory()));
        builder.UseCaching(o =>
        {
            o.CacheAnswers = false;
            o.EmbeddingExpiration = TimeSpan.FromDays(30);
        });
    }
}
