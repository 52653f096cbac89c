namespace HybridAnswer.Benchmarks;

/// <summary>
/// Declares how much work one operation of a benchmark does, so <see cref="ThroughputColumn"/> can print units per
/// second. <paramref name="amountPerOperation"/> names a public static property of the benchmark class (evaluated
/// in the host process, so it must not depend on <c>[GlobalSetup]</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ThroughputAttribute(string unit, string amountPerOperation) : Attribute
{
    public string Unit { get; } = unit;

    public string AmountPerOperation { get; } = amountPerOperation;
}
