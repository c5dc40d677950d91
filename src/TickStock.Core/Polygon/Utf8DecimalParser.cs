namespace TickStock.Core.Polygon;

/// <summary>
/// A narrow, exact decimal parse for the numbers the provider writes: non-negative, at most 18
/// significant digits, optionally with a fraction and an exponent (<c>130.28</c>, <c>1.12117471e+08</c>).
/// The general parser goes through a digit buffer and was the single largest cost of reading a page.
/// The result equals the general parse in value and scale (<c>130.90</c> keeps two decimals), so
/// anything it declines (negative, longer, far exponents) can be handed to the general parser.
/// </summary>
internal static class Utf8DecimalParser
{
    private const int MaxDigits = 18; // 10^18 - 1 fits a long, so the mantissa never overflows
    private const int MaxScale = 28;  // decimal's own limit

    private static readonly ulong[] PowersOf10 =
    [
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000,
        10_000_000_000, 100_000_000_000, 1_000_000_000_000, 10_000_000_000_000, 100_000_000_000_000,
        1_000_000_000_000_000, 10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000,
    ];

    /// <summary>
    /// Parses a JSON number token already validated by the reader. False means "not handled here",
    /// never "invalid": the caller falls back to the general parser.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> number, out decimal value)
    {
        value = default;
        ulong mantissa = 0;
        var digits = 0; // significant digits so far (leading zeros do not count)
        var fractionDigits = 0;
        var i = 0;

        for (; i < number.Length && IsDigit(number[i]); i++)
        {
            if (!Accumulate(ref mantissa, ref digits, number[i]))
            {
                return false;
            }
        }

        if (i < number.Length && number[i] == '.')
        {
            for (i++; i < number.Length && IsDigit(number[i]); i++)
            {
                if (!Accumulate(ref mantissa, ref digits, number[i]))
                {
                    return false;
                }

                fractionDigits++;
            }
        }

        var exponent = 0;
        if (i < number.Length && (number[i] | 0x20) == 'e')
        {
            i++;
            var negative = false;
            if (i < number.Length && number[i] is (byte)'+' or (byte)'-')
            {
                negative = number[i] == '-';
                i++;
            }

            for (; i < number.Length && IsDigit(number[i]); i++)
            {
                exponent = (exponent * 10) + (number[i] - '0');
                if (exponent > 1_000)
                {
                    return false; // far outside what the fast path can place; let the general parse decide
                }
            }

            exponent = negative ? -exponent : exponent;
        }

        // A sign, an empty integer part or anything unexpected: not ours.
        if (i != number.Length || i == 0 || !IsDigit(number[0]))
        {
            return false;
        }

        var scale = fractionDigits - exponent;
        if (scale < 0)
        {
            // 1.12117471e+08: fewer decimals than the exponent shifts, so scale the mantissa up.
            if (digits - scale > MaxDigits)
            {
                return false;
            }

            mantissa *= PowersOf10[-scale];
            scale = 0;
        }
        else if (scale > MaxScale)
        {
            return false;
        }

        value = new decimal((int)(uint)mantissa, (int)(uint)(mantissa >> 32), 0, isNegative: false, (byte)scale);
        return true;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    private static bool Accumulate(ref ulong mantissa, ref int digits, byte digit)
    {
        if (mantissa != 0 || digit != '0')
        {
            if (++digits > MaxDigits)
            {
                return false;
            }
        }

        mantissa = (mantissa * 10) + (uint)(digit - '0');
        return true;
    }
}
