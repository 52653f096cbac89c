using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace HybridAnswer.InMemory;

/// <summary>
/// The dot products of the in-memory store: one row at a time (<see cref="Dot"/>) for scans that read the matrix in order, and
/// four rows per pass sharing each load of the query (<see cref="Dot4"/>) for scans that hop over the rows a filter leaves out.
/// </summary>
/// <remarks>
/// <para>Which fits where was measured at 100,000 × 384 (docs/benchmarks.md, issue 26, third session): read in order, one row
/// at a time keeps pace with a plain sum of the same floats, while four rows side by side (four streams 1,536 bytes apart) take
/// about twice as long; hopping over a sparse list of rows, four rows in flight take about half the time of one.</para>
/// <para>Both give a row the same score bit for bit: each row has its own accumulator, and the same lanes are added in the same
/// order in <see cref="Dot"/> and in every slot of <see cref="Dot4"/>, so a chunk gets the same score whether a scan, a filtered
/// scan or hybrid fusion computed it. Against <c>TensorPrimitives.Dot</c> only the summation order differs; the difference is
/// bounded by about n·ε·Σ|xᵢyᵢ| (n the dimensions, ε = 2⁻²⁴), under 2.3·10⁻⁵ for 384-dimension unit vectors, far below any
/// difference between two chunks that matters. A large scan is split into row ranges by <see cref="ExactScan"/>; a row's score
/// does not depend on the range it falls in.</para>
/// </remarks>
internal static class DotProducts
{
    /// <summary>The dot product of <paramref name="query"/> and one row of the same length: one slot of <see cref="Dot4"/>.</summary>
    public static float Dot(ReadOnlySpan<float> query, ReadOnlySpan<float> row)
    {
        var n = query.Length;
        Debug.Assert(row.Length == n, "a row of the query's length");
        ref var q = ref MemoryMarshal.GetReference(query);
        ref var r = ref MemoryMarshal.GetReference(row);
        var i = 0;
        float score;
        if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            Vector256<float> a = default;
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                a += Vector256.LoadUnsafe(ref q, (nuint)i) * Vector256.LoadUnsafe(ref r, (nuint)i);
            }

            score = Vector256.Sum(a);
        }
        else if (Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count)
        {
            Vector128<float> a = default;
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                a += Vector128.LoadUnsafe(ref q, (nuint)i) * Vector128.LoadUnsafe(ref r, (nuint)i);
            }

            score = Vector128.Sum(a);
        }
        else
        {
            score = 0f;
        }

        for (; i < n; i++)
        {
            score += Unsafe.Add(ref q, i) * Unsafe.Add(ref r, i);
        }

        return score;
    }

    /// <summary>The dot products of <paramref name="query"/> and four rows of its length, in one pass.</summary>
    public static void Dot4(ReadOnlySpan<float> query, ReadOnlySpan<float> row0, ReadOnlySpan<float> row1, ReadOnlySpan<float> row2, ReadOnlySpan<float> row3,
        out float score0, out float score1, out float score2, out float score3)
    {
        var n = query.Length;
        Debug.Assert(row0.Length == n && row1.Length == n && row2.Length == n && row3.Length == n, "rows of the query's length");
        ref var q = ref MemoryMarshal.GetReference(query);
        ref var r0 = ref MemoryMarshal.GetReference(row0);
        ref var r1 = ref MemoryMarshal.GetReference(row1);
        ref var r2 = ref MemoryMarshal.GetReference(row2);
        ref var r3 = ref MemoryMarshal.GetReference(row3);
        var i = 0;
        if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var x = Vector256.LoadUnsafe(ref q, (nuint)i);
                a0 += x * Vector256.LoadUnsafe(ref r0, (nuint)i);
                a1 += x * Vector256.LoadUnsafe(ref r1, (nuint)i);
                a2 += x * Vector256.LoadUnsafe(ref r2, (nuint)i);
                a3 += x * Vector256.LoadUnsafe(ref r3, (nuint)i);
            }

            (score0, score1, score2, score3) = (Vector256.Sum(a0), Vector256.Sum(a1), Vector256.Sum(a2), Vector256.Sum(a3));
        }
        else if (Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count)
        {
            Vector128<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                var x = Vector128.LoadUnsafe(ref q, (nuint)i);
                a0 += x * Vector128.LoadUnsafe(ref r0, (nuint)i);
                a1 += x * Vector128.LoadUnsafe(ref r1, (nuint)i);
                a2 += x * Vector128.LoadUnsafe(ref r2, (nuint)i);
                a3 += x * Vector128.LoadUnsafe(ref r3, (nuint)i);
            }

            (score0, score1, score2, score3) = (Vector128.Sum(a0), Vector128.Sum(a1), Vector128.Sum(a2), Vector128.Sum(a3));
        }
        else
        {
            (score0, score1, score2, score3) = (0f, 0f, 0f, 0f);
        }

        // The tail past the last full vector (all of it without SIMD), element by element in order.
        for (; i < n; i++)
        {
            var x = Unsafe.Add(ref q, i);
            score0 += x * Unsafe.Add(ref r0, i);
            score1 += x * Unsafe.Add(ref r1, i);
            score2 += x * Unsafe.Add(ref r2, i);
            score3 += x * Unsafe.Add(ref r3, i);
        }
    }
}
