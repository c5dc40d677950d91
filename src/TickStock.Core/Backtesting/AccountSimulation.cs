using TickStock.Core.Bars;
using TickStock.Core.Detectors;

namespace TickStock.Core.Backtesting;

/// <summary>What the account did: every trade in exit order, the equity series, and what happened to the signals.</summary>
/// <param name="Trades">Closed trades in the order they closed (by date; within a date gap exits, then intrabar, then time/end exits, each by symbol).</param>
/// <param name="Dates">The dates of the run: the union of the symbols' in-range bar dates, ascending.</param>
/// <param name="Equity"><c>initial_capital</c> followed by each date's equity after marking to market (one longer than <paramref name="Dates"/>).</param>
/// <param name="SignalCount">Every signal, neutral ones included.</param>
/// <param name="Skipped">Skipped signals by <see cref="SkipReason"/> (indexed by its value).</param>
public sealed record SimulationOutcome(
    IReadOnlyList<Trade> Trades,
    IReadOnlyList<DateOnly> Dates,
    IReadOnlyList<double> Equity,
    int SignalCount,
    IReadOnlyList<int> Skipped)
{
    /// <summary>The last value of the equity series.</summary>
    public double FinalEquity => Equity[^1];
}

/// <summary>
/// The single-account simulation of <c>spec/backtest.md</c>, day by day over the union of the symbols' dates:
/// gap exits at the open, entries at the open from the previous bar's signals, intrabar stop/target exits (stop first
/// when both are reachable), time exits at the close (and every position on the last date), then mark to market.
/// Money stays in binary64 throughout; rounding happens only when the result is written.
/// </summary>
public sealed class AccountSimulation
{
    private readonly BacktestParameters _p;
    private readonly SymbolSignals[] _symbols;
    private readonly Position?[] _positions;
    private readonly int[] _todayIndex;
    private readonly int[] _nextIndex;
    private readonly double[] _lastClose;
    private readonly int[] _lastIndex;
    private readonly int[] _skipped = new int[BacktestNames.SkipReasons.Count];
    private readonly List<Trade> _trades = [];
    private double _cash;

    private AccountSimulation(IReadOnlyList<SymbolSignals> symbols, BacktestParameters parameters)
    {
        _p = parameters;
        // Ordinal order is the spec's tie-break for everything done "for each symbol".
        _symbols = symbols.OrderBy(s => s.Symbol, StringComparer.Ordinal).ToArray();
        for (int i = 1; i < _symbols.Length; i++)
        {
            if (string.Equals(_symbols[i - 1].Symbol, _symbols[i].Symbol, StringComparison.Ordinal))
            {
                throw new ArgumentException($"symbol {_symbols[i].Symbol} given twice", nameof(symbols));
            }
        }

        _positions = new Position?[_symbols.Length];
        _todayIndex = new int[_symbols.Length];
        _nextIndex = new int[_symbols.Length];
        _lastIndex = new int[_symbols.Length];
        _lastClose = new double[_symbols.Length];
        _cash = parameters.InitialCapital;
    }

    /// <summary>Runs the account over <paramref name="symbols"/> (each symbol once) with <paramref name="parameters"/>.</summary>
    public static SimulationOutcome Run(IReadOnlyList<SymbolSignals> symbols, BacktestParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        ArgumentNullException.ThrowIfNull(parameters);
        IReadOnlyList<string> errors = parameters.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors), nameof(parameters));
        }

        return new AccountSimulation(symbols, parameters).Run();
    }

    private SimulationOutcome Run()
    {
        long[] days = _symbols.SelectMany(s => s.Bars.Select(b => b.EpochDay)).Distinct().Order().ToArray();
        int signalCount = CountUntradeableSignals();
        var dates = new List<DateOnly>(days.Length);
        var equity = new List<double>(days.Length + 1) { _p.InitialCapital };
        double equityPrev = _p.InitialCapital;
        for (int d = 0; d < days.Length; d++)
        {
            DateOnly date = SymbolHistory.DateOfEpochDay(days[d]);
            AdvanceTo(days[d]);
            GapExits(date);
            Entries(date, equityPrev);
            IntrabarExits(date);
            CloseExits(date, isLastDate: d == days.Length - 1);
            equityPrev = MarkToMarket();
            dates.Add(date);
            equity.Add(equityPrev);
        }

        return new SimulationOutcome(_trades, dates, equity, signalCount, _skipped);
    }

    /// <summary>Counts all signals; neutral ones and those on a symbol's last in-range bar are skipped here, once.</summary>
    private int CountUntradeableSignals()
    {
        int count = 0;
        foreach (SymbolSignals s in _symbols)
        {
            foreach (Signal signal in s.Signals)
            {
                count++;
                if (signal.Direction == Direction.Neutral)
                {
                    _skipped[(int)SkipReason.Neutral]++;
                }
                else if (signal.BarIndex == s.Bars.Count - 1)
                {
                    _skipped[(int)SkipReason.NoNextBar]++;
                }
            }
        }

        return count;
    }

    /// <summary>Finds which symbols have a bar on <paramref name="day"/>; held positions count that bar.</summary>
    private void AdvanceTo(long day)
    {
        for (int s = 0; s < _symbols.Length; s++)
        {
            int next = _nextIndex[s];
            if (next < _symbols[s].Bars.Count && _symbols[s].BarAt(next).EpochDay == day)
            {
                _todayIndex[s] = next;
                _nextIndex[s] = next + 1;
                _lastIndex[s] = next;
                _lastClose[s] = _symbols[s].BarAt(next).Close;
                if (_positions[s] is { } held)
                {
                    held.BarsHeld++;
                }
            }
            else
            {
                _todayIndex[s] = -1;
            }
        }
    }

    private void GapExits(DateOnly date)
    {
        for (int s = 0; s < _symbols.Length; s++)
        {
            if (_positions[s] is not { } position || _todayIndex[s] < 0)
            {
                continue;
            }

            double open = _symbols[s].BarAt(_todayIndex[s]).Open;
            if (position.Side == TradeSide.Long ? open <= position.Stop : open >= position.Stop)
            {
                Exit(s, date, open, ExitReason.Stop);
            }
            else if (position.Side == TradeSide.Long ? open >= position.Target : open <= position.Target)
            {
                Exit(s, date, open, ExitReason.Target);
            }
        }
    }

    private void Entries(DateOnly date, double equityPrev)
    {
        for (int s = 0; s < _symbols.Length; s++)
        {
            int today = _todayIndex[s];
            if (today < 1)
            {
                continue; // no bar today, or today is the first in-range bar (its previous bar is warm-up)
            }

            foreach (Signal signal in _symbols[s].SignalsAt(today - 1))
            {
                if (signal.Direction != Direction.Neutral)
                {
                    TryEnter(s, signal, date, today, equityPrev);
                }
            }
        }
    }

    private void TryEnter(int s, Signal signal, DateOnly date, int today, double equityPrev)
    {
        TradeSide side = signal.Direction == Direction.Bullish ? TradeSide.Long : TradeSide.Short;
        if (_positions[s] is not null)
        {
            _skipped[(int)SkipReason.PositionOpen]++;
            return;
        }

        if (side == TradeSide.Short && !_p.AllowShort)
        {
            _skipped[(int)SkipReason.ShortDisabled]++;
            return;
        }

        double open = _symbols[s].BarAt(today).Open;
        double fill = side == TradeSide.Long ? open * (1 + _p.SlippageRate) : open * (1 - _p.SlippageRate);
        double notionalTarget = _p.MaxPositionSize * equityPrev;
        double quantity = Math.Floor(notionalTarget / fill);
        if (!(quantity >= 1))
        {
            _skipped[(int)SkipReason.Size]++;
            return;
        }

        if (quantity * fill * (1 + _p.CommissionRate) > _cash)
        {
            _skipped[(int)SkipReason.Cash]++;
            return;
        }

        double notional = quantity * fill;
        double commission = notional * _p.CommissionRate;
        _cash -= notional + commission;
        _positions[s] = new Position
        {
            Signal = signal,
            Side = side,
            Quantity = quantity,
            EntryFill = fill,
            EntryNotional = notional,
            EntryCommission = commission,
            Stop = side == TradeSide.Long ? fill * (1 - _p.StopLossPct) : fill * (1 + _p.StopLossPct),
            Target = side == TradeSide.Long ? fill * (1 + _p.TakeProfitPct) : fill * (1 - _p.TakeProfitPct),
            EntryDate = date,
            BarsHeld = 1,
        };
    }

    private void IntrabarExits(DateOnly date)
    {
        for (int s = 0; s < _symbols.Length; s++)
        {
            if (_positions[s] is not { } position || _todayIndex[s] < 0)
            {
                continue;
            }

            Bar bar = _symbols[s].BarAt(_todayIndex[s]);
            bool stopHit = position.Side == TradeSide.Long ? bar.Low <= position.Stop : bar.High >= position.Stop;
            bool targetHit = position.Side == TradeSide.Long ? bar.High >= position.Target : bar.Low <= position.Target;
            if (stopHit)
            {
                Exit(s, date, position.Stop, ExitReason.Stop); // both reachable → the stop: the bar's path is unknown
            }
            else if (targetHit)
            {
                Exit(s, date, position.Target, ExitReason.Target);
            }
        }
    }

    private void CloseExits(DateOnly date, bool isLastDate)
    {
        for (int s = 0; s < _symbols.Length; s++)
        {
            if (_positions[s] is { } position && _todayIndex[s] >= 0 && position.BarsHeld >= _p.MaxHoldingBars)
            {
                Exit(s, date, _lastClose[s], ExitReason.Time);
            }
        }

        if (!isLastDate)
        {
            return;
        }

        for (int s = 0; s < _symbols.Length; s++)
        {
            if (_positions[s] is not null)
            {
                // A symbol without a bar on the last date leaves at its last close, dated by that bar.
                Exit(s, SymbolHistory.DateOf(_symbols[s].BarAt(_lastIndex[s])), _lastClose[s], ExitReason.End);
            }
        }
    }

    private void Exit(int s, DateOnly date, double price, ExitReason reason)
    {
        Position position = _positions[s]!;
        double quantity = position.Quantity;
        double fill = position.Side == TradeSide.Long ? price * (1 - _p.SlippageRate) : price * (1 + _p.SlippageRate);
        double commission = quantity * fill * _p.CommissionRate;
        double returned = position.Side == TradeSide.Long
            ? (quantity * fill) - commission
            : position.EntryNotional + ((position.EntryFill - fill) * quantity) - commission;
        _cash += returned;
        double pnl = returned - (position.EntryNotional + position.EntryCommission);
        _trades.Add(new Trade(
            _symbols[s].Symbol, position.Signal.Kind, position.Side, position.EntryDate, position.EntryFill, (long)quantity,
            date, fill, reason, pnl, pnl / position.EntryNotional, position.BarsHeld));
        _positions[s] = null;
    }

    private double MarkToMarket()
    {
        double equity = _cash;
        for (int s = 0; s < _symbols.Length; s++)
        {
            if (_positions[s] is not { } position)
            {
                continue;
            }

            double close = _lastClose[s];
            equity += position.Side == TradeSide.Long
                ? position.Quantity * close
                : position.EntryNotional + ((position.EntryFill - close) * position.Quantity);
        }

        return equity;
    }

    /// <summary>An open position; mutable because only its bar count changes while it is held.</summary>
    private sealed class Position
    {
        public required Signal Signal { get; init; }
        public required TradeSide Side { get; init; }
        public required double Quantity { get; init; }
        public required double EntryFill { get; init; }
        public required double EntryNotional { get; init; }
        public required double EntryCommission { get; init; }
        public required double Stop { get; init; }
        public required double Target { get; init; }
        public required DateOnly EntryDate { get; init; }
        public int BarsHeld { get; set; }
    }
}
