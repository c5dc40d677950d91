namespace TickStock.Core.Backtesting;

/// <summary>
/// A daemon backtest's progress as contract §5 reports it: a fraction 0..1 that never goes down, and an estimated
/// completion time. The work is counted in units fixed when the job starts — per symbol one for its history being
/// ready (found stored or loaded) and one for its signals, plus one for the simulation — so a later phase can never
/// make the fraction shrink.
/// </summary>
public sealed class BacktestProgress
{
    private readonly int _total;
    private readonly DateTimeOffset _startedAt;
    private int _done;

    public BacktestProgress(int symbols, DateTimeOffset startedAt)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(symbols);
        _total = (2 * symbols) + 1;
        _startedAt = startedAt;
    }

    /// <summary>Done units / all units, 0..1.</summary>
    public double Fraction => (double)_done / _total;

    /// <summary>Units done so far.</summary>
    public int Done => _done;

    /// <summary>Counts <paramref name="units"/> more units done (never past the total).</summary>
    public void Advance(int units)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(units);
        _done = Math.Min(_total, _done + units);
    }

    /// <summary>
    /// When the job should end, at the pace so far: now + elapsed × remaining / done. Before the first unit there is
    /// no pace yet; one second per unit left is the guess (a backtest of stored bars runs well under that).
    /// </summary>
    public DateTimeOffset EstimatedCompletion(DateTimeOffset now)
    {
        int remaining = _total - _done;
        if (_done == 0)
        {
            return now + TimeSpan.FromSeconds(remaining);
        }

        TimeSpan elapsed = now - _startedAt;
        if (elapsed < TimeSpan.Zero)
        {
            elapsed = TimeSpan.Zero;
        }

        return now + (elapsed * remaining / _done);
    }
}
