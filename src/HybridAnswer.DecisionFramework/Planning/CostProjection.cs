namespace HybridAnswer.Planning;

/// <summary>What one answering mode costs in a month at a query volume.</summary>
public sealed record CostProjection
{
    /// <summary>Gets the answering mode.</summary>
    public required AnswerMode Mode { get; init; }

    /// <summary>Gets the query volume per day.</summary>
    public required long QueriesPerDay { get; init; }

    /// <summary>Gets the days in the month.</summary>
    public required int DaysPerMonth { get; init; }

    /// <summary>Gets the cost of one query in US dollars (modelled, or the mean of the measured answers).</summary>
    public required decimal UsdPerQuery { get; init; }

    /// <summary>Gets the monthly cost of the queries: <see cref="UsdPerQuery"/> × <see cref="QueriesPerDay"/> × <see cref="DaysPerMonth"/>.</summary>
    public decimal QueriesUsdPerMonth => UsdPerQuery * QueriesPerDay * DaysPerMonth;

    /// <summary>Gets the monthly training cost (0 for RAG).</summary>
    public required decimal TrainingUsdPerMonth { get; init; }

    /// <summary>Gets the monthly total: <see cref="QueriesUsdPerMonth"/> + <see cref="TrainingUsdPerMonth"/>.</summary>
    public decimal TotalUsdPerMonth => QueriesUsdPerMonth + TrainingUsdPerMonth;

    /// <summary>Gets how many priced answers the per-query cost was measured on; <see langword="null"/> when it is modelled from the components.</summary>
    public int? MeasuredAnswers { get; init; }
}
