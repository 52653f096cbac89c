using System.Runtime.CompilerServices;

namespace HybridAnswer.InMemory;

/// <summary>
/// The exact top-k by cosine over a row-major matrix of unit vectors: on one thread, or split into contiguous row ranges scanned
/// side by side, each keeping its own top k, merged at the end. Both give the same chunks with the same scores in the same order:
/// every score comes from <see cref="DotProducts"/>, whose result for a row does not depend on the kernel or the rows sharing its pass,
/// and ties rank by row in both.
/// </summary>
internal static class ExactScan
{
    /// <summary>
    /// The fewest floats a range must hold to be worth a thread of its own: 2²¹ floats (8 MB, 5,461 rows of 384 dimensions) take
    /// about half a millisecond on one core, against a few microseconds to hand a range to the thread pool.
    /// </summary>
    public const long MinFloatsPerRange = 1L << 21;

    /// <summary>The k best of the eligible rows (all when <paramref name="rows"/> is null) at or above the floor, best first.</summary>
    /// <param name="matrix">The vectors, row-major.</param>
    /// <param name="dimensions">The length of every row.</param>
    /// <param name="rowCount">The number of rows in the matrix.</param>
    /// <param name="query">The unit query vector.</param>
    /// <param name="k">How many to keep.</param>
    /// <param name="rows">The eligible rows, ascending; <see langword="null"/> for all.</param>
    /// <param name="minScore">The floor.</param>
    /// <param name="maxThreads">The most threads to use.</param>
    /// <param name="minFloatsPerRange">The fewest floats per thread (<see cref="MinFloatsPerRange"/>; tests split small scans with less).</param>
    public static List<(int Item, double Score)> Top(float[] matrix, int dimensions, int rowCount, float[] query, int k, int[]? rows, double minScore,
        int maxThreads, long minFloatsPerRange = MinFloatsPerRange)
    {
        var count = rows?.Length ?? rowCount;
        var floor = (float)Math.Max(minScore, float.MinValue);
        var ranges = (int)Math.Min(Math.Min(Math.Max(maxThreads, 1), count), (long)count * dimensions / Math.Max(minFloatsPerRange, 1));
        if (ranges <= 1)
        {
            var top = new TopK(k, floor);
            Scan(matrix, dimensions, query, rows, 0, count, ref top);
            return top.BestFirst();
        }

        var partial = new List<(int Item, double Score)>[ranges];
        Parallel.For(0, ranges, new ParallelOptions { MaxDegreeOfParallelism = ranges }, range =>
        {
            var top = new TopK(k, floor);
            Scan(matrix, dimensions, query, rows, (int)((long)count * range / ranges), (int)((long)count * (range + 1) / ranges), ref top);
            partial[range] = top.BestFirst();
        });

        // Each range holds its own exact top k, so the k best of their union are the k best overall; equal scores rank by row,
        // as the single-threaded scan ranks them.
        return [.. partial.SelectMany(p => p).OrderByDescending(c => c.Score).ThenBy(c => c.Item).Take(k)];
    }

    /// <summary>Offers rows <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive) of the eligible list, in order.</summary>
    private static void Scan(float[] matrix, int d, float[] query, int[]? rows, int from, int to, ref TopK top)
    {
        if (from >= to)
        {
            return;
        }

        // No filter, or a list that keeps at least half the rows of its span: every row of the span is read in order, and only
        // the eligible ones offered; one stream through memory costs less than hopping over the gaps (see DotProducts).
        var m = matrix.AsSpan();
        var (first, last) = rows is null ? (from, to - 1) : (rows[from], rows[to - 1]);
        if (rows is null || (long)(to - from) * 2 >= (long)last - first + 1)
        {
            var next = from;
            for (var i = first; i <= last; i++)
            {
                var score = DotProducts.Dot(query, m.Slice(i * d, d));
                if (rows is null || i == rows[next])
                {
                    top.Offer(i, score);
                    next++;
                }
            }

            return;
        }

        // A sparse list: four rows per pass keep four reads in flight across the gaps.
        var r = from;
        for (; r <= to - 4; r += 4)
        {
            var (i0, i1, i2, i3) = (rows[r], rows[r + 1], rows[r + 2], rows[r + 3]);
            DotProducts.Dot4(query, m.Slice(i0 * d, d), m.Slice(i1 * d, d), m.Slice(i2 * d, d), m.Slice(i3 * d, d),
                out var s0, out var s1, out var s2, out var s3);
            top.Offer(i0, s0);
            top.Offer(i1, s1);
            top.Offer(i2, s2);
            top.Offer(i3, s3);
        }

        for (; r < to; r++)
        {
            top.Offer(rows[r], DotProducts.Dot(query, m.Slice(rows[r] * d, d)));
        }
    }

    /// <summary>
    /// The k best rows offered so far, at or above a floor: a bounded min-heap and its worst score. Rows are offered ascending, so
    /// a later row with the worst score already kept never enters, and the heap orders equal scores by row: the result is that
    /// of a stable sort by score.
    /// </summary>
    private struct TopK(int k, float floor)
    {
        private readonly PriorityQueue<int, (float Score, int Row)> _heap = new(k + 1, WorstFirst.Instance);
        private float _threshold = float.NegativeInfinity;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Offer(int row, float score)
        {
            if (score <= _threshold || score < floor)
            {
                return;
            }

            if (_heap.Count < k)
            {
                _heap.Enqueue(row, (score, row));
                if (_heap.Count == k)
                {
                    _threshold = Worst(_heap);
                }
            }
            else
            {
                _heap.DequeueEnqueue(row, (score, row));
                _threshold = Worst(_heap);
            }
        }

        public readonly List<(int Item, double Score)> BestFirst()
        {
            var result = new List<(int, double)>(_heap.Count);
            while (_heap.TryDequeue(out var row, out var entry))
            {
                result.Add((row, entry.Score));
            }

            result.Reverse();
            return result;
        }

        private static float Worst(PriorityQueue<int, (float Score, int Row)> heap)
        {
            heap.TryPeek(out _, out var worst);
            return worst.Score;
        }
    }

    /// <summary>Orders heap entries worst first: the lower score, and of equal scores the later row.</summary>
    private sealed class WorstFirst : IComparer<(float Score, int Row)>
    {
        public static readonly WorstFirst Instance = new();

        public int Compare((float Score, int Row) x, (float Score, int Row) y)
        {
            var byScore = x.Score.CompareTo(y.Score);
            return byScore != 0 ? byScore : y.Row.CompareTo(x.Row);
        }
    }
}
