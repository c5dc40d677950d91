using System.Buffers;
using System.Text;
using System.Text.Json;
using Xunit;

namespace TickStock.PolygonStub.Tests;

/// <summary>
/// The stub's integer shortcuts against the decimal and writer code they replaced, over many more
/// values than the served-bars digest reaches (especially values next to rounding ties).
/// </summary>
public sealed class StubArithmeticTests
{
    private static decimal DecimalCents(double value) => Math.Round((decimal)value, 2, MidpointRounding.AwayFromZero);

    [Fact]
    public void Integer_cents_equal_decimal_rounding_including_next_to_half_cents()
    {
        var random = new Random(7);
        for (var i = 0; i < 1_000_000; i++)
        {
            var value = 0.5 + (random.NextDouble() * 2_000);
            Assert.Equal(DecimalCents(value), SyntheticMarket.CentsOf(value) / 100m);
        }

        // Half cents and their neighbouring doubles, where the 15-digit decimal and the double can disagree.
        for (var i = 0; i < 200_000; i++)
        {
            var tie = (random.NextInt64(50, 200_000) + 0.5) / 100.0;
            var value = tie;
            for (var step = 0; step < 4; step++)
            {
                Assert.Equal(DecimalCents(value), SyntheticMarket.CentsOf(value) / 100m);
                Assert.Equal(DecimalCents(-value), SyntheticMarket.CentsOf(-value) / 100m);
                value = Math.BitIncrement(value);
            }

            value = tie;
            for (var step = 0; step < 4; step++)
            {
                value = Math.BitDecrement(value);
                Assert.Equal(DecimalCents(value), SyntheticMarket.CentsOf(value) / 100m);
            }
        }
    }

    [Fact]
    public void Combined_vwap_equals_the_decimal_formula()
    {
        var random = new Random(11);
        for (var i = 0; i < 20_000; i++)
        {
            var bars = new List<StubBar>();
            decimal pv = 0;
            long volume = 0;
            for (var k = random.Next(1, 40); k > 0; k--)
            {
                var vw4 = random.NextInt64(5_000, 10_000_000);
                var v = random.Next(4) == 0 ? random.NextInt64(1, 20) : random.NextInt64(1, 50_000_000);
                bars.Add(new StubBar(0, 1, 1, 1, 1, v, vw4, 1, 1));
                pv += vw4 / 10_000m * v;
                volume += v;
            }

            var expected = Math.Round(pv / volume, 4);
            Assert.Equal(expected, StubBar.Combine(0, bars).Vw4 / 10_000m);
        }

        // Exact half ten-thousandths round to even, as Math.Round(decimal, 4) does.
        Assert.Equal(2, StubBar.Combine(0, [new StubBar(0, 1, 1, 1, 1, 1, 1, 1, 1), new StubBar(0, 1, 1, 1, 1, 1, 4, 1, 1)]).Vw4); // 2.5 → 2
        Assert.Equal(4, StubBar.Combine(0, [new StubBar(0, 1, 1, 1, 1, 1, 3, 1, 1), new StubBar(0, 1, 1, 1, 1, 1, 4, 1, 1)]).Vw4); // 3.5 → 4
        Assert.Equal(StubBar.NoVwap, StubBar.Combine(0, [new StubBar(0, 1, 1, 1, 1, 1, 3, 1, 1), new StubBar(0, 1, 1, 1, 1, 1, StubBar.NoVwap, 0, 1)]).Vw4);
    }

    [Fact]
    public void Raw_bar_json_equals_what_the_writer_writes_for_each_number()
    {
        var random = new Random(3);
        var fastPaths = 0;
        Span<byte> buffer = stackalloc byte[256];
        for (var i = 0; i < 300_000; i++)
        {
            double Price() => (i % 4) switch
            {
                0 => random.NextInt64(1, 100_000_000) / 100.0,          // cents (synthetic)
                1 => random.NextInt64(1, 10_000_000_000) / 1_000_000.0,  // millionths (sample CSV)
                2 => random.NextDouble() * 1_000,                        // arbitrary doubles
                _ => (double)(random.NextInt64(1, 1_000_000) / 1000m),  // via decimal, as the CSV loader does
            };

            var bar = new StubBar(
                random.NextInt64(0, 2_000_000_000_000), Price(), Price(), Price(), Price(),
                random.NextInt64(-5, 2_000_000_000),
                random.Next(3) == 0 ? StubBar.NoVwap : random.NextInt64(0, 100_000_000_000),
                random.Next(3) == 0 ? 0 : random.NextInt64(1, 10_000_000),
                1);
            if (BarJson.TryFormat(bar, buffer, out var length))
            {
                fastPaths++;
                Assert.Equal(ExpectedJson(bar), Encoding.UTF8.GetString(buffer[..length]));
            }
        }

        Assert.InRange(fastPaths, 200_000, 300_000); // arbitrary doubles take the writer's path
    }

    /// <summary>The bar as the endpoint wrote it before: the writer's own number formatting.</summary>
    private static string ExpectedJson(StubBar bar)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WritePropertyName("v");
            w.WriteRawValue(Wire.Volume(bar.V), skipInputValidation: true);
            if (bar.HasVwap)
            {
                w.WriteNumber("vw", (double)(bar.Vw4 / 10_000m));
            }

            w.WriteNumber("o", bar.O);
            w.WriteNumber("c", bar.C);
            w.WriteNumber("h", bar.H);
            w.WriteNumber("l", bar.L);
            w.WriteNumber("t", bar.T);
            if (bar.N != 0)
            {
                w.WriteNumber("n", bar.N);
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void Volume_text_is_unchanged()
    {
        foreach (var v in new long[] { -5, 0, 1, 999_999, 1_000_000, 1_000_001, 1_029_145, 112_117_471, 100_000_000_000, long.MaxValue })
        {
            var digits = v.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var mantissa = digits.TrimEnd('0');
            var expected = v < 1_000_000 ? digits
                : mantissa[..1] + (mantissa.Length > 1 ? "." + mantissa[1..] : string.Empty) + "e+" + (digits.Length - 1).ToString("00", System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(expected, Wire.Volume(v));
        }
    }
}
