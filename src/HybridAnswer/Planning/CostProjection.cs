namespace HybridAnswer.Planning;

/// <summary>What one answering mode costs in a month at a query volume.</summary>
public sealed record CostProjection
{
    /// <summary>Gets the answering mode.</summary>
    public required AnswerMode Mode { get; init; }

    /// <summary>Gets the query volume per day.</summary>
    public required long QueriesPerDay { get; init; }

    /// <summary>Gets the days in the month.</summary>
    public required int Days { get; init; }

    /// <summary>Gets the cost of one query in US dollars (modelled, or the mean of the measured answers).</summary>
    public required decimal PerQueryUsd { get; init; }

    /// <summary>Gets the monthly cost of the queries: <see cref="PerQueryUsd"/> × <see cref="QueriesPerDay"/> × <see cref="Days"/>.</summary>
    public decimal QueriesUsd => PerQueryUsd * QueriesPerDay * Days;

    /// <summary>Gets the monthly training cost (0 for RAG).</summary>
    public required decimal TrainingUsd { get; init; }

    /// <summary>Gets the monthly total: <see cref="QueriesUsd"/> + <see cref="TrainingUsd"/>.</summary>
    public decimal MonthlyUsd => QueriesUsd + TrainingUsd;

    /// <summary>Gets how many priced answers the per-query cost was measured on; <see langword="null"/> when it is modelled from the components.</summary>
    public int? MeasuredAnswers { get; init; }
}
