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
    private readonly int _target;
    private readonly int _overlap;
    private readonly EmbeddingInputLimit? _limit;
    private readonly MarkdownChunker _markdown;

    public DocumentChunker(ChunkingOptions options, EmbeddingInputLimit? limit = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        OptionsValidation.ThrowIfInvalid(new ChunkingOptionsValidator(), options);

        if (limit is not null)
        {
            ArgumentNullException.ThrowIfNull(limit.Tokenizer, nameof(limit));
            ArgumentOutOfRangeException.ThrowIfLessThan(limit.MaxTokens - limit.SpecialTokens, 32, nameof(limit));
        }

        _target = options.TargetSize;
        _overlap = options.Overlap;
        _limit = limit;
        _markdown = new MarkdownChunker(_target, _overlap, limit);
    }

    /// <summary>Gets a fingerprint of the chunking settings, part of every content hash so that changing them re-chunks.</summary>
    public string Fingerprint => _limit is null
        ? $"chunk:md1:{_target}:{_overlap}"
        : $"chunk:md1:{_target}:{_overlap}:tokens:{_limit.MaxTokens - _limit.SpecialTokens}:{_limit.Tokenizer.GetType().Name}";

    public IReadOnlyList<DocumentChunk> Chunk(KnowledgeDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return _markdown.Chunk(document);
    }

    /// <summary>Computes the hash that decides whether a stored document must be re-chunked and re-embedded (see <see cref="HybridAnswer.ContentHash"/>).</summary>
    public string ContentHash(KnowledgeDocument document) => HybridAnswer.ContentHash.Compute(document, Fingerprint);
}
