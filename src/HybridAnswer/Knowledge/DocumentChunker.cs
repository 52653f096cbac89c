using HybridAnswer.Storage;

namespace HybridAnswer;

/// <summary>
/// Splits documents into the chunks that are embedded, stored and retrieved, along their Markdown structure
/// (<see cref="MarkdownChunker"/>): heading path first, blocks whole, tables and code fences split only between rows and lines.
/// Chunks are sized in the embedder's tokens when it reports an <see cref="EmbeddingInputLimit"/>, so title, path and body fit
/// its input; in characters (<see cref="ChunkingOptions.TargetSize"/>) otherwise.
/// </summary>
internal sealed class DocumentChunker
{
    private readonly MarkdownChunker _markdown;

    /// <param name="options">The chunking settings.</param>
    /// <param name="limit">The embedder's input limit, when it reports one: chunks are then sized in its tokens.</param>
    /// <param name="embedder">The embedder's identity (<see cref="EmbedderIdentity"/>), part of the fingerprint; <see langword="null"/> for none.</param>
    public DocumentChunker(ChunkingOptions options, EmbeddingInputLimit? limit = null, string? embedder = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        OptionsValidation.ThrowIfInvalid(new ChunkingOptionsValidator(), options);

        if (limit is not null)
        {
            ArgumentNullException.ThrowIfNull(limit.Tokenizer, nameof(limit));
            ArgumentOutOfRangeException.ThrowIfLessThan(limit.MaxTokens - limit.SpecialTokens, 32, nameof(limit));
        }

        _markdown = new MarkdownChunker(options.TargetSize, options.Overlap, limit);
        var chunking = limit is null
            ? $"chunk:md1:{options.TargetSize}:{options.Overlap}"
            : $"chunk:md1:{options.TargetSize}:{options.Overlap}:tokens:{limit.MaxTokens - limit.SpecialTokens}:{limit.Tokenizer.GetType().Name}";

        // Without an identity the fingerprint is the one stored before identities existed: such documents are not re-embedded.
        Fingerprint = embedder is null ? chunking : chunking + ":embedder:" + embedder;
    }

    /// <summary>
    /// Gets a fingerprint of what decides the stored chunks and their vectors besides the document: the chunking settings and the
    /// embedding model's identity. Part of every content hash, so that changing either re-chunks and re-embeds.
    /// </summary>
    public string Fingerprint { get; }

    public IReadOnlyList<DocumentChunk> Chunk(KnowledgeDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return _markdown.Chunk(document);
    }

    /// <summary>Computes the hash that decides whether a stored document must be re-chunked and re-embedded (see <see cref="HybridAnswer.ContentHash"/>).</summary>
    public string ContentHash(KnowledgeDocument document) => HybridAnswer.ContentHash.Compute(document, Fingerprint);
}
