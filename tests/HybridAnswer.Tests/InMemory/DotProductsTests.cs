using System.Numerics.Tensors;
using HybridAnswer.InMemory;

namespace HybridAnswer.Tests.InMemory;

/// <summary>The in-memory store's four-rows-per-pass dot products: TensorPrimitives' values up to summation order, and one score per row.</summary>
public sealed class DotProductsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(63)]
    [InlineData(384)]
    [InlineData(385)]
    [InlineData(1536)]
    public void Dot4_AnyDimensions_EqualsTensorPrimitivesWithinTheSummationOrderBound(int dimensions)
    {
        var random = new Random(dimensions);
        var query = Unit(random, dimensions);
        var rows = Enumerable.Range(0, 4).Select(_ => Unit(random, dimensions)).ToArray();

        DotProducts.Dot4(query, rows[0], rows[1], rows[2], rows[3], out var s0, out var s1, out var s2, out var s3);

        float[] scores = [s0, s1, s2, s3];
        for (var r = 0; r < 4; r++)
        {
            // The bound of the remarks: n · 2^-24 · Σ|x_i y_i| (at most n · 2^-24 for unit vectors), with a factor 2 of slack.
            var bound = 2 * dimensions * Math.Pow(2, -24) * query.Zip(rows[r], (x, y) => Math.Abs((double)x * y)).Sum();
            Assert.InRange(scores[r] - TensorPrimitives.Dot(query, rows[r]), -bound - 1e-12, bound + 1e-12);
            Assert.InRange(scores[r] - query.Zip(rows[r], (x, y) => (double)x * y).Sum(), -bound - 1e-12, bound + 1e-12);
        }
    }

    [Theory]
    [InlineData(5)]
    [InlineData(13)]
    [InlineData(384)]
    [InlineData(1000)]
    public void Dot4_SameRowInAnySlot_TheSameScoreBitForBit(int dimensions)
    {
        var random = new Random(7);
        var query = Unit(random, dimensions);
        var row = Unit(random, dimensions);
        var other = Unit(random, dimensions);
        var single = DotProducts.Dot(query, row);

        DotProducts.Dot4(query, row, other, other, other, out var s0, out _, out _, out _);
        DotProducts.Dot4(query, other, row, other, other, out _, out var s1, out _, out _);
        DotProducts.Dot4(query, other, other, row, other, out _, out _, out var s2, out _);
        DotProducts.Dot4(query, other, other, other, row, out _, out _, out _, out var s3);

        Assert.Equal(BitConverter.SingleToInt32Bits(single), BitConverter.SingleToInt32Bits(s0));
        Assert.Equal(BitConverter.SingleToInt32Bits(single), BitConverter.SingleToInt32Bits(s1));
        Assert.Equal(BitConverter.SingleToInt32Bits(single), BitConverter.SingleToInt32Bits(s2));
        Assert.Equal(BitConverter.SingleToInt32Bits(single), BitConverter.SingleToInt32Bits(s3));
    }

    private static float[] Unit(Random random, int dimensions)
    {
        var vector = Enumerable.Range(0, dimensions).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        TensorPrimitives.Divide(vector, TensorPrimitives.Norm(vector), vector);
        return vector;
    }
}
