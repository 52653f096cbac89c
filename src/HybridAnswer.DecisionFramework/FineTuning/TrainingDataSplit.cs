namespace HybridAnswer.FineTuning;

/// <summary>A fine-tuning dataset split into a training file and a validation file.</summary>
public sealed record TrainingDataSplit
{
    /// <summary>Gets the examples to train on.</summary>
    public required IReadOnlyList<TrainingExample> Training { get; init; }

    /// <summary>Gets the held-out examples the service scores each epoch against.</summary>
    public required IReadOnlyList<TrainingExample> Validation { get; init; }

    /// <summary>
    /// Splits examples at random but reproducibly (same seed, same split). Identical examples stay on the same side, so a
    /// duplicate cannot make the validation loss look better than it is.
    /// </summary>
    /// <param name="examples">The examples.</param>
    /// <param name="validationFraction">The share held out for validation, 0 to 0.5; at least one example is held out when it is above 0 and there are two or more groups.</param>
    /// <param name="seed">The shuffle seed.</param>
    /// <returns>The split; both lists keep file order.</returns>
    public static TrainingDataSplit Create(IReadOnlyList<TrainingExample> examples, double validationFraction = 0.1, int seed = 42)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentOutOfRangeException.ThrowIfNegative(validationFraction);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(validationFraction, 0.5);

        var groups = examples.Select((e, i) => (Key: TrainingJsonl.Serialize(e), Index: i))
            .GroupBy(x => x.Key, StringComparer.Ordinal)
            .Select(g => g.Select(x => x.Index).ToList())
            .ToList();
        var wanted = (int)Math.Round(examples.Count * validationFraction, MidpointRounding.AwayFromZero);
        if (validationFraction > 0 && wanted == 0 && groups.Count >= 2)
        {
            wanted = 1;
        }

        var order = Enumerable.Range(0, groups.Count).ToArray();
        new Random(seed).Shuffle(order);
        var validation = new HashSet<int>();
        foreach (var g in order)
        {
            // Whole groups only; a group that would overshoot is skipped in favour of a smaller one.
            if (validation.Count + groups[g].Count <= wanted)
            {
                validation.UnionWith(groups[g]);
            }
        }

        var training = new List<TrainingExample>(examples.Count - validation.Count);
        var held = new List<TrainingExample>(validation.Count);
        for (var i = 0; i < examples.Count; i++)
        {
            (validation.Contains(i) ? held : training).Add(examples[i]);
        }

        return new TrainingDataSplit { Training = training, Validation = held };
    }
}
