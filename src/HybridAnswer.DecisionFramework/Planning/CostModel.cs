namespace HybridAnswer.Planning;

/// <summary>
/// The decision framework's cost model: per-query components (embedding, vector search, base or fine-tuned generation) and a
/// monthly training cost, projected over a month for <see cref="AnswerMode.Rag"/>, <see cref="AnswerMode.FineTuned"/> and
/// <see cref="AnswerMode.Hybrid"/>. The defaults are the framework's figures; at 10,000 queries a day they give
/// $990, $1,700 and $1,790 a month.
/// </summary>
/// <remarks>
/// RAG pays embedding + search + base generation per query and no training; fine-tuned pays fine-tuned generation plus
/// training; hybrid pays all of retrieval, fine-tuned generation and training.
/// </remarks>
public sealed record CostModel
{
    /// <summary>Gets the framework's cost model.</summary>
    public static CostModel Default { get; } = new();

    /// <summary>Gets the cost of embedding one query, US dollars.</summary>
    /// <value>The default is $0.0001.</value>
    public decimal EmbeddingUsdPerQuery { get; init; } = 0.0001m;

    /// <summary>Gets the cost of one knowledge-base (vector) search, US dollars.</summary>
    /// <value>The default is $0.0002.</value>
    public decimal SearchUsdPerQuery { get; init; } = 0.0002m;

    /// <summary>Gets the cost of one answer from the base model, US dollars.</summary>
    /// <value>The default is $0.003.</value>
    public decimal BaseGenerationUsdPerQuery { get; init; } = 0.003m;

    /// <summary>Gets the cost of one answer from the fine-tuned model, US dollars.</summary>
    /// <value>The default is $0.004.</value>
    public decimal FineTunedGenerationUsdPerQuery { get; init; } = 0.004m;

    /// <summary>Gets the training cost per month (retraining to keep the fine-tuned model current), US dollars.</summary>
    /// <value>The default is $500.</value>
    public decimal TrainingUsdPerMonth { get; init; } = 500m;

    /// <summary>Gets the days in a month.</summary>
    /// <value>The default is 30 (the framework's table).</value>
    public int DaysPerMonth { get; init; } = 30;

    /// <summary>Gets the modes in the order they are compared.</summary>
    public static IReadOnlyList<AnswerMode> Modes { get; } = [AnswerMode.Rag, AnswerMode.FineTuned, AnswerMode.Hybrid];

    /// <summary>Returns the modelled cost of one query in a mode.</summary>
    /// <param name="mode">The answering mode.</param>
    /// <returns>The sum of the components the mode uses.</returns>
    public decimal GetUsdPerQuery(AnswerMode mode) => mode switch
    {
        AnswerMode.Rag => EmbeddingUsdPerQuery + SearchUsdPerQuery + BaseGenerationUsdPerQuery,
        AnswerMode.FineTuned => FineTunedGenerationUsdPerQuery,
        AnswerMode.Hybrid => EmbeddingUsdPerQuery + SearchUsdPerQuery + FineTunedGenerationUsdPerQuery,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown answering mode."),
    };

    /// <summary>Returns the monthly training cost of a mode: 0 for RAG, <see cref="TrainingUsdPerMonth"/> otherwise.</summary>
    /// <param name="mode">The answering mode.</param>
    /// <returns>The training cost per month.</returns>
    public decimal GetTrainingUsdPerMonth(AnswerMode mode) => mode == AnswerMode.Rag ? 0m : TrainingUsdPerMonth;

    /// <summary>Projects one mode's monthly cost.</summary>
    /// <param name="mode">The answering mode.</param>
    /// <param name="queriesPerDay">The query volume per day.</param>
    /// <returns>The projection.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="queriesPerDay"/> is negative, or an option is.</exception>
    public CostProjection Project(AnswerMode mode, long queriesPerDay)
    {
        Validate(queriesPerDay);
        return new CostProjection { Mode = mode, QueriesPerDay = queriesPerDay, DaysPerMonth = DaysPerMonth, UsdPerQuery = GetUsdPerQuery(mode), TrainingUsdPerMonth = GetTrainingUsdPerMonth(mode) };
    }

    /// <summary>Projects the monthly cost of every mode (RAG, fine-tuned, hybrid).</summary>
    /// <param name="queriesPerDay">The query volume per day.</param>
    /// <returns>One projection per mode, in <see cref="Modes"/> order.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="queriesPerDay"/> is negative, or an option is.</exception>
    public IReadOnlyList<CostProjection> Project(long queriesPerDay) => Modes.Select(m => Project(m, queriesPerDay)).ToList();

    /// <summary>
    /// Projects the monthly cost from measured answers: per mode, the mean <see cref="Answer.CostUsd"/> of the answers given in
    /// that mode replaces the modelled per-query cost. Answers without a price (<see langword="null"/> cost) are left out rather
    /// than counted as free; a mode with no priced answers is not projected.
    /// </summary>
    /// <param name="answers">Answers produced by <see cref="HybridAnswerer"/> (refusals included: they are real traffic).</param>
    /// <param name="queriesPerDay">The query volume per day.</param>
    /// <returns>One projection per mode that has priced answers, in <see cref="Modes"/> order.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="queriesPerDay"/> is negative, or an option is.</exception>
    public IReadOnlyList<CostProjection> ProjectMeasured(IEnumerable<Answer> answers, long queriesPerDay)
    {
        ArgumentNullException.ThrowIfNull(answers);
        Validate(queriesPerDay);
        var byMode = answers.Where(a => a.CostUsd is not null).GroupBy(a => a.Mode).ToDictionary(g => g.Key, g => g.Select(a => a.CostUsd!.Value).ToList());
        return Modes.Where(byMode.ContainsKey).Select(m => new CostProjection
        {
            Mode = m,
            QueriesPerDay = queriesPerDay,
            DaysPerMonth = DaysPerMonth,
            UsdPerQuery = byMode[m].Sum() / byMode[m].Count,
            TrainingUsdPerMonth = GetTrainingUsdPerMonth(m),
            MeasuredAnswers = byMode[m].Count,
        }).ToList();
    }

    private void Validate(long queriesPerDay)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(queriesPerDay);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(DaysPerMonth, nameof(DaysPerMonth));
        ArgumentOutOfRangeException.ThrowIfNegative(EmbeddingUsdPerQuery, nameof(EmbeddingUsdPerQuery));
        ArgumentOutOfRangeException.ThrowIfNegative(SearchUsdPerQuery, nameof(SearchUsdPerQuery));
        ArgumentOutOfRangeException.ThrowIfNegative(BaseGenerationUsdPerQuery, nameof(BaseGenerationUsdPerQuery));
        ArgumentOutOfRangeException.ThrowIfNegative(FineTunedGenerationUsdPerQuery, nameof(FineTunedGenerationUsdPerQuery));
        ArgumentOutOfRangeException.ThrowIfNegative(TrainingUsdPerMonth, nameof(TrainingUsdPerMonth));
    }
}
