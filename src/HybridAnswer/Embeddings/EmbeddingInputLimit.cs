using Microsoft.ML.Tokenizers;

namespace HybridAnswer;

/// <summary>
/// The longest input an embedding model reads, in its own tokens. An <see cref="Microsoft.Extensions.AI.IEmbeddingGenerator{TInput, TEmbedding}"/>
/// that returns one from <c>GetService(typeof(EmbeddingInputLimit))</c> gets chunks sized to fit it: every chunk, with the title
/// and heading path embedded with it, is at most <see cref="MaxTokens"/> tokens, so no part of a document goes unembedded.
/// </summary>
public sealed class EmbeddingInputLimit
{
    /// <summary>Gets the model's tokenizer, the one its input length is measured in.</summary>
    public required Tokenizer Tokenizer { get; init; }

    /// <summary>Gets the most tokens the model embeds, including any special tokens it adds (e.g. 256 for all-MiniLM-L6-v2).</summary>
    public required int MaxTokens { get; init; }

    /// <summary>Gets how many tokens the model adds to every input (e.g. 2 for BERT's [CLS] and [SEP]).</summary>
    /// <value>The default is 0.</value>
    public int SpecialTokens { get; init; }
}
