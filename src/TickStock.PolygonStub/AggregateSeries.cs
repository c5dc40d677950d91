using System.Globalization;
using System.Text;
using TickStock.Core.Calendar;

namespace TickStock.PolygonStub;

internal enum Timespan
{
    Minute,
    Hour,
    Day,
    Week,
    Month,
}

/// <summary>
/// The bars of one aggregates request, produced lazily in the requested order. Ranges are snapped
/// like the provider's: <c>from</c> back to the start of its bar, <c>to</c> forward to the end of its
/// bar (a date <c>to</c> includes the whole day). Minute/hour buckets align to New York clock time;
/// week bars start Sunday 00:00 New York, month bars on the 1st.
/// </summary>
internal sealed class AggregateSeries(MarketData data, string ticker, int multiplier, Timespan timespan, DateTimeOffset from, DateTimeOffset toEnd, DateTimeOffset now)
{
    public static bool TryParseTimespan(string text, out Timespan timespan)
    {
        switch (text)
        {
            case "minute": timespan = Timespan.Minute; return true;
            case "hour": timespan = Timespan.Hour; return true;
            case "day": timespan = Timespan.Day; return true;
            case "week": timespan = Timespan.Week; return true;
            case "month": timespan = Timespan.Month; return true;
            default: timespan = default; return false;
        }
    }

    /// <summary>Parses a path bound: YYYY-MM-DD or Unix ms. Returns (instant, isDate).</summary>
    public static (DateTimeOffset Instant, bool IsDate)? ParseBound(string text)
    {
        if (text.Length > 0 && text.All(char.IsAsciiDigit) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            return ms is >= 0 and <= 253402300799999 ? (DateTimeOffset.FromUnixTimeMilliseconds(ms), false) : null;
        }

        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? (EasternTime.StartOfDay(date), true)
            : null;
    }

    /// <summary>Start of the bar holding <paramref name="instant"/>.</summary>
    public static DateTimeOffset SnapBack(DateTimeOffset instant, Timespan timespan)
    {
        var et = EasternTime.ToEastern(instant);
        var date = DateOnly.FromDateTime(et);
        return timespan switch
        {
            Timespan.Minute => EasternTime.FromEastern(new DateTime(et.Year, et.Month, et.Day, et.Hour, et.Minute, 0)),
            Timespan.Hour => EasternTime.FromEastern(new DateTime(et.Year, et.Month, et.Day, et.Hour, 0, 0)),
            Timespan.Day => EasternTime.StartOfDay(date),
            Timespan.Week => EasternTime.StartOfDay(date.AddDays(-(int)date.DayOfWeek)),
            _ => EasternTime.StartOfDay(new DateOnly(date.Year, date.Month, 1)),
        };
    }

    /// <summary>End (exclusive) of the bar holding <paramref name="instant"/>.</summary>
    public static DateTimeOffset SnapForward(DateTimeOffset instant, Timespan timespan)
    {
        var start = SnapBack(instant, timespan);
        var date = EasternTime.EasternDate(start);
        return timespan switch
        {
            Timespan.Minute => start.AddMinutes(1),
            Timespan.Hour => EasternTime.FromEastern(EasternTime.ToEastern(start).AddHours(1)),
            Timespan.Day => EasternTime.StartOfDay(date.AddDays(1)),
            Timespan.Week => EasternTime.StartOfDay(date.AddDays(7)),
            _ => EasternTime.StartOfDay(date.AddMonths(1)),
        };
    }

    public IEnumerable<StubBar> Ascending()
    {
        var first = EasternTime.EasternDate(from);
        var last = EasternTime.EasternDate(toEnd.AddTicks(-1));
        return timespan is Timespan.Minute or Timespan.Hour
            ? IntradayDays(first, last, descending: false)
            : DayLevel(first, last, descending: false);
    }

    public IEnumerable<StubBar> Descending()
    {
        var first = EasternTime.EasternDate(from);
        var last = EasternTime.EasternDate(toEnd.AddTicks(-1));
        return timespan is Timespan.Minute or Timespan.Hour
            ? IntradayDays(first, last, descending: true)
            : DayLevel(first, last, descending: true);
    }

    private IEnumerable<StubBar> IntradayDays(DateOnly first, DateOnly last, bool descending)
    {
        long lo = from.ToUnixTimeMilliseconds(), hi = toEnd.ToUnixTimeMilliseconds();
        var bucketMinutes = timespan == Timespan.Minute ? multiplier : multiplier * 60;

        // One day's buckets at a time, reused across days; sized for a whole extended-hours day
        // (960 minutes × 72 B, under the large-object threshold) so it never regrows.
        var buckets = new List<StubBar>(960);
        for (var date = descending ? last : first; descending ? date >= first : date <= last; date = date.AddDays(descending ? -1 : 1))
        {
            if (!NyseCalendar.IsTradingDay(date))
            {
                continue;
            }

            buckets.Clear();
            BucketDay(date, lo, hi, bucketMinutes, buckets);
            if (descending)
            {
                buckets.Reverse();
            }

            foreach (var b in buckets)
            {
                yield return b;
            }
        }
    }

    private void BucketDay(DateOnly date, long lo, long hi, int bucketMinutes, List<StubBar> buckets)
    {
        var fourAm = EasternTime.FromEastern(date, NyseCalendar.ExtendedOpen).ToUnixTimeMilliseconds();
        var minutes = data.Minutes(ticker, date, now);
        var group = default(BarAccumulator);
        long key = -1;
        while (minutes.MoveNext(out var m))
        {
            if (m.T >= hi)
            {
                break; // minutes ascend: the rest of the day is out of range too, no need to generate it
            }

            if (m.T < lo)
            {
                continue;
            }

            if (bucketMinutes == 1)
            {
                buckets.Add(m);
                continue;
            }

            // Bucket by New York clock minutes since midnight, counted from 04:00: DST switches at
            // 02:00, so the offset never changes between 04:00 and the bar (no per-bar conversion).
            var minuteOfDay = 240 + ((m.T - fourAm) / 60_000);
            var bucketKey = minuteOfDay / bucketMinutes;
            if (bucketKey != key && !group.IsEmpty)
            {
                buckets.Add(group.ToBar(BucketStart(date, key, bucketMinutes)));
                group = default;
            }

            key = bucketKey;
            group.Add(m);
        }

        if (!group.IsEmpty)
        {
            buckets.Add(group.ToBar(BucketStart(date, key, bucketMinutes)));
        }
    }

    private static long BucketStart(DateOnly date, long key, int bucketMinutes) =>
        EasternTime.FromEastern(date.ToDateTime(TimeOnly.MinValue).AddMinutes(key * bucketMinutes)).ToUnixTimeMilliseconds();

    private IEnumerable<StubBar> DayLevel(DateOnly first, DateOnly last, bool descending)
    {
        long lo = from.ToUnixTimeMilliseconds(), hi = toEnd.ToUnixTimeMilliseconds();
        var group = new List<StubBar>();
        long key = long.MinValue;
        DateOnly groupStart = default;
        for (var date = descending ? last : first; descending ? date >= first : date <= last; date = date.AddDays(descending ? -1 : 1))
        {
            if (data.Day(ticker, date, now) is not { } day || day.T < lo || day.T >= hi)
            {
                continue;
            }

            var (bucketKey, bucketStart) = DayBucket(date);
            if (bucketKey != key && group.Count > 0)
            {
                yield return Emit(groupStart, group, descending);
                group.Clear();
            }

            key = bucketKey;
            groupStart = bucketStart;
            group.Add(day);
        }

        if (group.Count > 0)
        {
            yield return Emit(groupStart, group, descending);
        }
    }

    private StubBar Emit(DateOnly bucketStart, List<StubBar> group, bool descending)
    {
        if (timespan == Timespan.Day && multiplier == 1)
        {
            return group[0];
        }

        var ascending = descending ? group.AsEnumerable().Reverse().ToList() : group;
        return StubBar.Combine(EasternTime.StartOfDay(bucketStart).ToUnixTimeMilliseconds(), ascending);
    }

    private (long Key, DateOnly Start) DayBucket(DateOnly date)
    {
        switch (timespan)
        {
            case Timespan.Day:
            {
                var k = date.DayNumber / multiplier;
                return (k, DateOnly.FromDayNumber((int)(k * multiplier)));
            }

            case Timespan.Week:
            {
                var sunday = date.AddDays(-(int)date.DayOfWeek);
                var k = (long)Math.Floor(sunday.DayNumber / 7.0 / multiplier);
                return (k, multiplier == 1 ? sunday : DateOnly.FromDayNumber((int)(k * multiplier * 7)));
            }

            default:
            {
                var index = (date.Year * 12) + date.Month - 1;
                var k = index / multiplier;
                var startIndex = (int)(k * multiplier);
                return (k, new DateOnly(startIndex / 12, (startIndex % 12) + 1, 1));
            }
        }
    }
}

/// <summary>Wire formatting shared by the endpoints.</summary>
internal static class Wire
{
    /// <summary>
    /// Volume the way the provider writes it: a float in Go's shortest <c>%g</c> form, i.e. exponent
    /// notation from 1e6 up (<c>1.12117471e+08</c>), plain digits below (<c>895345</c>).
    /// </summary>
    public static string Volume(long v)
    {
        Span<byte> text = stackalloc byte[MaxVolumeLength];
        return Encoding.ASCII.GetString(text[..WriteVolume(v, text)]);
    }

    /// <summary>Longest <see cref="WriteVolume"/> output: "9.223372036854775807e+18".</summary>
    public const int MaxVolumeLength = 24;

    /// <summary><see cref="Volume"/> as ASCII into <paramref name="destination"/>; returns the length.</summary>
    public static int WriteVolume(long v, Span<byte> destination)
    {
        if (v < 1_000_000)
        {
            v.TryFormat(destination, out var plain, default, CultureInfo.InvariantCulture);
            return plain;
        }

        Span<byte> digits = stackalloc byte[MaxVolumeLength];
        v.TryFormat(digits, out var length, default, CultureInfo.InvariantCulture);
        var exponent = length - 1;
        var mantissa = digits[..length].TrimEnd((byte)'0');
        var n = 0;
        destination[n++] = mantissa[0];
        if (mantissa.Length > 1)
        {
            destination[n++] = (byte)'.';
            mantissa[1..].CopyTo(destination[n..]);
            n += mantissa.Length - 1;
        }

        destination[n++] = (byte)'e';
        destination[n++] = (byte)'+';
        exponent.TryFormat(destination[n..], out var e, "00", CultureInfo.InvariantCulture);
        return n + e;
    }

    /// <summary>Cursor = unpadded base64url of <c>limit=N&amp;sort=asc</c>.</summary>
    public static string EncodeCursor(int limit, string sort) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"limit={limit}&sort={sort}")))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static (int? Limit, string? Sort) DecodeCursor(string cursor)
    {
        try
        {
            var b64 = cursor.Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '=');
            var text = Encoding.ASCII.GetString(Convert.FromBase64String(b64));
            int? limit = null;
            string? sort = null;
            foreach (var pair in text.Split('&'))
            {
                var kv = pair.Split('=', 2);
                if (kv.Length == 2 && kv[0] == "limit" && int.TryParse(kv[1], NumberStyles.None, CultureInfo.InvariantCulture, out var l))
                {
                    limit = l;
                }
                else if (kv.Length == 2 && kv[0] == "sort")
                {
                    sort = kv[1];
                }
            }

            return (limit, sort);
        }
        catch (FormatException)
        {
            return (null, null);
        }
    }

    public static string NewRequestId() => Guid.NewGuid().ToString("N");
}
