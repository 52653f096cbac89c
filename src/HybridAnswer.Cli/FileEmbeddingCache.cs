using System.Security.Cryptography;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.AI;

namespace HybridAnswer.Cli;

/// <summary>
/// An <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> decorator that keeps every embedding in a file, keyed by the SHA-256
/// of the model id, its dimensions and the text: asking about the same folder again embeds nothing but the question, and a
/// changed model or text simply misses. One append-only file per model under the user's cache folder; records are written
/// whole, and a torn last record (a killed process) is ignored on load. Thread-safe.
/// </summary>
internal sealed class FileEmbeddingCache : IEmbeddingGenerator<string, Embedding<float>>
{
    private const int KeyBytes = 32;

    private readonly IEmbeddingGenerator<string, Embedding<float>> _inner;
    private readonly string _path;
    private readonly string _modelId;
    private readonly int _dimensions;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Dictionary<string, float[]>? _entries;

    public FileEmbeddingCache(IEmbeddingGenerator<string, Embedding<float>> inner, string directory)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var metadata = inner.GetService<EmbeddingGeneratorMetadata>();
        _modelId = metadata?.DefaultModelId ?? throw new ArgumentException("The embedding generator reports no model id to key its cache by.", nameof(inner));
        _dimensions = metadata.DefaultModelDimensions ?? throw new ArgumentException("The embedding generator reports no dimensions.", nameof(inner));
        _inner = inner;
        var safeName = string.Concat(_modelId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_'));
        _path = Path.Combine(directory, $"{safeName}-{_dimensions}.bin");
    }

    /// <summary>Gets the cache file.</summary>
    public string FilePath => _path;

    /// <summary>Gets how many texts were embedded by the model (cache misses) since this instance was created.</summary>
    public int Misses { get; private set; }

    /// <summary>The user's cache folder for the tool: <c>HYBRIDANSWER_CACHE_DIR</c>, else <c>$XDG_CACHE_HOME/hybrid-answer</c>, else the platform's.</summary>
    public static string DefaultDirectory()
    {
        if (Environment.GetEnvironmentVariable("HYBRIDANSWER_CACHE_DIR") is { Length: > 0 } explicitDirectory)
        {
            return explicitDirectory;
        }

        var root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg
            : RuntimeInformation.IsOSPlatform(OSPlatform.Windows) || RuntimeInformation.IsOSPlatform(OSPlatform.OSX)
                ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "hybrid-answer", "embeddings");
    }

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var texts = values.ToList();
        var keys = texts.Select(Key).ToList();
        var vectors = new float[texts.Count][];
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var entries = _entries ??= Load();
            var missing = new List<int>();
            for (var i = 0; i < texts.Count; i++)
            {
                if (entries.TryGetValue(keys[i], out var cached))
                {
                    vectors[i] = cached;
                }
                else
                {
                    missing.Add(i);
                }
            }

            if (missing.Count > 0)
            {
                // Duplicates in one call are embedded once.
                var distinct = missing.DistinctBy(i => keys[i]).ToList();
                var embedded = await _inner.GenerateAsync(distinct.Select(i => texts[i]), options, cancellationToken).ConfigureAwait(false);
                if (embedded.Count != distinct.Count)
                {
                    throw new InvalidOperationException($"The embedding generator returned {embedded.Count} embeddings for {distinct.Count} inputs.");
                }

                Misses += distinct.Count;
                var fresh = new List<(string Key, float[] Vector)>();
                for (var j = 0; j < distinct.Count; j++)
                {
                    var vector = embedded[j].Vector.ToArray();
                    entries[keys[distinct[j]]] = vector;
                    if (vector.Length == _dimensions)
                    {
                        fresh.Add((keys[distinct[j]], vector));
                    }
                }

                foreach (var i in missing)
                {
                    vectors[i] = entries[keys[i]];
                }

                Append(fresh);
            }
        }
        finally
        {
            _gate.Release();
        }

        var result = new GeneratedEmbeddings<Embedding<float>>(texts.Count);
        result.AddRange(vectors.Select(v => new Embedding<float>(v) { ModelId = _modelId }));
        return result;
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : _inner.GetService(serviceType, serviceKey);
    }

    public void Dispose()
    {
        _inner.Dispose();
        _gate.Dispose();
    }

    private string Key(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{_modelId}\n{_dimensions}\n{text}")));
    }

    private Dictionary<string, float[]> Load()
    {
        var entries = new Dictionary<string, float[]>(StringComparer.Ordinal);
        if (!File.Exists(_path))
        {
            return entries;
        }

        var bytes = File.ReadAllBytes(_path);
        var record = KeyBytes + (_dimensions * sizeof(float));
        for (var offset = 0; offset + record <= bytes.Length; offset += record)
        {
            var key = Convert.ToHexString(bytes, offset, KeyBytes);
            entries[key] = MemoryMarshal.Cast<byte, float>(bytes.AsSpan(offset + KeyBytes, _dimensions * sizeof(float))).ToArray();
        }

        return entries;
    }

    private void Append(List<(string Key, float[] Vector)> fresh)
    {
        if (fresh.Count == 0)
        {
            return;
        }

        var record = KeyBytes + (_dimensions * sizeof(float));
        var buffer = new byte[fresh.Count * record];
        for (var i = 0; i < fresh.Count; i++)
        {
            Convert.FromHexString(fresh[i].Key).CopyTo(buffer, i * record);
            MemoryMarshal.AsBytes(fresh[i].Vector.AsSpan()).CopyTo(buffer.AsSpan((i * record) + KeyBytes));
        }

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            using var file = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);

            // A torn record left by a killed writer would shift every later one: start on a record boundary.
            var torn = file.Length % record;
            if (torn != 0)
            {
                file.SetLength(file.Length - torn);
                file.Seek(0, SeekOrigin.End);
            }

            file.Write(buffer);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A cache that cannot be written costs time on the next run, not this answer.
        }
    }
}
