namespace HybridAnswer.Benchmarks;

/// <summary>
/// Whether the run is the CI smoke run (<c>--short</c>): every benchmark runs once, in process, on tiny inputs, so the
/// benchmarks are compiled and exercised on every build without taking minutes. Read by the <c>ParamsSource</c> members,
/// which the in-process toolchain evaluates in this same process.
/// </summary>
internal static class BenchmarkMode
{
    public static bool IsShort { get; set; }
}
