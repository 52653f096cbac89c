namespace HybridAnswer;

/// <summary>Facts about a customer that the answer may take into account. Kept separate from the sources in the prompt and never logged.</summary>
public sealed class CustomerContext
{
    /// <summary>Gets the customer id.</summary>
    public required string CustomerId { get; init; }

    /// <summary>Gets the customer's tier or plan (e.g. <c>Gold</c>), if any.</summary>
    public string? Tier { get; init; }

    /// <summary>Gets how many orders the customer has placed, if known.</summary>
    public int? OrderCount { get; init; }

    /// <summary>Gets since when the customer has been a member, if known.</summary>
    public DateOnly? MemberSince { get; init; }

    /// <summary>Gets further facts as name/value pairs (e.g. <c>region</c> = <c>EU</c>).</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();
}
