using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace HybridAnswer.Benchmarks;

/// <summary>Prints the throughput of benchmarks marked with <see cref="ThroughputAttribute"/>, e.g. "8,120 texts/s" or "41.3 MB/s".</summary>
internal sealed class ThroughputColumn : IColumn
{
    public string Id => nameof(ThroughputColumn);

    public string ColumnName => "Throughput";

    public bool AlwaysShow => false;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => false;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Work per second: units of the benchmark's [Throughput] attribute divided by the mean time";

    public bool IsAvailable(Summary summary) => summary.BenchmarksCases.Any(b => Attribute(b) is not null);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var attribute = Attribute(benchmarkCase);
        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (attribute is null || mean is not > 0)
        {
            return "-";
        }

        var property = benchmarkCase.Descriptor.Type.GetProperty(attribute.AmountPerOperation, BindingFlags.Public | BindingFlags.Static)
            ?? throw new InvalidOperationException($"{benchmarkCase.Descriptor.Type.Name} has no public static property {attribute.AmountPerOperation}.");
        var amount = Convert.ToDouble(property.GetValue(null), CultureInfo.InvariantCulture);
        var perSecond = amount / (mean.Value / 1e9);
        var format = perSecond >= 100 ? "N0" : "N1";
        return perSecond.ToString(format, CultureInfo.InvariantCulture) + " " + attribute.Unit + "/s";
    }

    public override string ToString() => ColumnName;

    private static ThroughputAttribute? Attribute(BenchmarkCase benchmarkCase) =>
        benchmarkCase.Descriptor.WorkloadMethod.GetCustomAttribute<ThroughputAttribute>();
}
