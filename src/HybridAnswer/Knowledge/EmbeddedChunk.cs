namespace HybridAnswer;

/// <summary>A chunk ready to store: the chunk, the exact text that was embedded (title and content), and its unit-length embedding.</summary>
internal sealed record EmbeddedChunk(DocumentChunk Chunk, string EmbeddedText, float[] Vector);
