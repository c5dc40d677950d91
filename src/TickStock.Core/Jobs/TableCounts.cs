namespace TickStock.Core.Jobs;

/// <summary>Rows written per table by one symbol (or summed over a job).</summary>
public sealed record TableCounts(long Minute, long Hourly, long Daily, long Weekly, long Monthly)
{
    public static readonly TableCounts Zero = new(0, 0, 0, 0, 0);

    public long Bars => Minute + Hourly + Daily + Weekly + Monthly;

    public TableCounts Add(TableCounts other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Minute + other.Minute, Hourly + other.Hourly, Daily + other.Daily, Weekly + other.Weekly, Monthly + other.Monthly);
    }
}
