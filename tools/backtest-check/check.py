#!/usr/bin/env python3
"""An independent second implementation of shared/spec/backtest.md, to check `tickstock backtest file` trade by trade.

Signals come from `tickstock scan` (the detectors are not re-implemented: the spec defines signals as scan's output
over the 300 warm-up bars plus the range). Everything after that -- the account, fills, exits, statistics -- is
written here from the spec alone, in Python floats (binary64, like the C# engine), then compared with the
command's JSON within its rounding (4 decimals for money and prices, 6 for fractions).

    python3 tools/backtest-check/check.py [--patterns a,b] [--param name=value]... --from D --to D FILE...

Needs a Release build of the CLI. Prints one line per difference and a closing 'N passed, N failed' line;
exit 1 on any difference.
"""
import argparse
import csv
import json
import math
import os
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLI = ["dotnet", os.path.join(REPO, "src/TickStock.Cli/bin/Release/net10.0/tickstock.dll")]
WARM_UP = 300
DEFAULTS = {"initial_capital": 100000.0, "commission_rate": 0.001, "slippage_rate": 0.0005, "max_position_size": 0.1,
            "stop_loss_pct": 0.05, "take_profit_pct": 0.10, "max_holding_bars": 20, "allow_short": True}


def read_bars(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    bars = [{"date": r["date"], "open": float(r["open"]), "high": float(r["high"]), "low": float(r["low"]),
             "close": float(r["close"])} for r in ({k.strip().lower(): v for k, v in row.items()} for row in rows)]
    return sorted(bars, key=lambda b: b["date"]), rows


def signals_from_scan(path, start, end, patterns):
    """scan over the file cut to 300 bars before the start + the range; its detections on range bars, in order."""
    with open(path, newline="") as f:
        lines = f.read().splitlines()
    header, body = lines[0], [l for l in lines[1:] if l.strip()]
    first = next(i for i, l in enumerate(body) if l[:10] >= start)
    last = max(i for i, l in enumerate(body) if l[:10] <= end)
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as cut:
        cut.write("\n".join([header] + body[max(0, first - WARM_UP):last + 1]) + "\n")
    try:
        args = CLI + ["scan", cut.name, "--format", "jsonl"] + (["--patterns", patterns] if patterns else [])
        out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(cut.name)
    return [json.loads(l) for l in out.splitlines() if l and json.loads(l)["time"] >= start]


def simulate(symbols, p):
    """symbols: {name: (bars in range, {bar index: [signals]})} -> trades, equity series, skipped, signal count."""
    names = sorted(symbols)  # ordinal: Python compares str by code point
    dates = sorted({b["date"] for n in names for b in symbols[n][0]})
    index = {n: {b["date"]: i for i, b in enumerate(symbols[n][0])} for n in names}
    skipped = dict.fromkeys(["neutral", "position_open", "short_disabled", "size", "cash", "no_next_bar"], 0)
    count = 0
    for n in names:
        bars, sigs = symbols[n]
        for i, lst in sigs.items():
            for s in lst:
                count += 1
                if s["direction"] == "neutral":
                    skipped["neutral"] += 1
                elif i == len(bars) - 1:
                    skipped["no_next_bar"] += 1
    cash, equity_prev = p["initial_capital"], p["initial_capital"]
    pos, last_close, last_date, trades, equity = {}, {}, {}, [], [p["initial_capital"]]
    sl, cr = p["slippage_rate"], p["commission_rate"]

    def close(n, date, price, reason):
        nonlocal cash
        t = pos.pop(n)
        q = float(t["qty"])
        fill = price * (1 - sl) if t["long"] else price * (1 + sl)
        comm = q * fill * cr
        back = q * fill - comm if t["long"] else t["notional"] + (t["f"] - fill) * q - comm
        cash += back
        pnl = back - (t["notional"] + t["comm"])
        trades.append({"symbol": n, "pattern": t["pattern"], "direction": "long" if t["long"] else "short",
                       "entry_date": t["date"], "entry_price": t["f"], "qty": t["qty"], "exit_date": date,
                       "exit_price": fill, "reason": reason, "pnl": pnl, "return": pnl / t["notional"], "bars_held": t["held"]})

    for k, date in enumerate(dates):
        today = {n: index[n][date] for n in names if date in index[n]}
        for n, i in today.items():
            last_close[n], last_date[n] = symbols[n][0][i]["close"], date
            if n in pos:
                pos[n]["held"] += 1
        for n in names:  # 1. gap exits
            if n in pos and n in today:
                t, o = pos[n], symbols[n][0][today[n]]["open"]
                if (o <= t["stop"]) if t["long"] else (o >= t["stop"]):
                    close(n, date, o, "stop")
                elif (o >= t["target"]) if t["long"] else (o <= t["target"]):
                    close(n, date, o, "target")
        for n in names:  # 2. entries
            i = today.get(n, 0)
            if i < 1:
                continue
            for s in symbols[n][1].get(i - 1, []):
                if s["direction"] == "neutral":
                    continue
                long = s["direction"] == "bullish"
                if n in pos:
                    skipped["position_open"] += 1
                    continue
                if not long and not p["allow_short"]:
                    skipped["short_disabled"] += 1
                    continue
                o = symbols[n][0][i]["open"]
                f = o * (1 + sl) if long else o * (1 - sl)
                qty = math.floor(p["max_position_size"] * equity_prev / f)
                if qty < 1:
                    skipped["size"] += 1
                    continue
                if qty * f * (1 + cr) > cash:
                    skipped["cash"] += 1
                    continue
                notional = qty * f
                comm = notional * cr
                cash -= notional + comm
                pos[n] = {"long": long, "qty": qty, "f": f, "notional": notional, "comm": comm, "date": date, "held": 1,
                          "pattern": s["pattern"],
                          "stop": f * (1 - p["stop_loss_pct"]) if long else f * (1 + p["stop_loss_pct"]),
                          "target": f * (1 + p["take_profit_pct"]) if long else f * (1 - p["take_profit_pct"])}
        for n in names:  # 3. intrabar
            if n in pos and n in today:
                t, b = pos[n], symbols[n][0][today[n]]
                if (b["low"] <= t["stop"]) if t["long"] else (b["high"] >= t["stop"]):
                    close(n, date, t["stop"], "stop")
                elif (b["high"] >= t["target"]) if t["long"] else (b["low"] <= t["target"]):
                    close(n, date, t["target"], "target")
        for n in names:  # 4. time, then end
            if n in pos and n in today and pos[n]["held"] >= p["max_holding_bars"]:
                close(n, date, last_close[n], "time")
        if k == len(dates) - 1:
            for n in names:
                if n in pos:
                    close(n, last_date[n], last_close[n], "end")
        e = cash  # 5. mark to market
        for n, t in pos.items():
            e += t["qty"] * last_close[n] if t["long"] else t["notional"] + (t["f"] - last_close[n]) * t["qty"]
        equity.append(e)
        equity_prev = e
    return trades, equity, skipped, count


def statistics(trades, equity, initial):
    wins = sum(1 for t in trades if t["pnl"] > 0)
    peak, dd = -math.inf, 0.0
    for e in equity:
        peak = max(peak, e)
        dd = max(dd, (peak - e) / peak)
    r = [equity[i] / equity[i - 1] - 1 for i in range(1, len(equity))]
    sharpe = 0.0
    if len(r) >= 2:
        m = sum(r) / len(r)
        sd = math.sqrt(sum((x - m) ** 2 for x in r) / (len(r) - 1))
        sharpe = 0.0 if sd == 0 else m / sd * math.sqrt(252)
    return {"win_rate": wins / len(trades) if trades else 0.0, "roi": equity[-1] / initial - 1, "sharpe_ratio": sharpe,
            "max_drawdown": dd, "total_trades": len(trades), "final_equity": equity[-1]}


MONEY = {"final_equity", "entry_price", "exit_price", "pnl"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--from", dest="start", required=True)
    ap.add_argument("--to", dest="end", required=True)
    ap.add_argument("--patterns")
    ap.add_argument("--param", action="append", default=[])
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    p = dict(DEFAULTS)
    for pair in a.param:
        k, v = pair.split("=", 1)
        p[k] = (v == "true") if k == "allow_short" else int(v) if k == "max_holding_bars" else float(v)

    symbols = {}
    for path in a.files:
        name = os.path.splitext(os.path.basename(path))[0].split("_")[0].upper()
        bars, _ = read_bars(path)
        in_range = [b for b in bars if a.start <= b["date"] <= a.end]
        pos = {b["date"]: i for i, b in enumerate(in_range)}
        sigs = {}
        for s in signals_from_scan(path, a.start, a.end, a.patterns):
            sigs.setdefault(pos[s["time"]], []).append(s)
        symbols[name] = (in_range, sigs)

    trades, equity, skipped, count = simulate(symbols, p)
    ours = statistics(trades, equity, p["initial_capital"])
    cmd = CLI + ["backtest", "file", *a.files, "--from", a.start, "--to", a.end, "--format", "json", "--trades"]
    cmd += (["--patterns", a.patterns] if a.patterns else []) + [x for pair in a.param for x in ("--param", pair)]
    theirs = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)["results"]

    passed, failed = 0, 0

    def check(what, mine, got, money):
        nonlocal passed, failed
        ok = mine == got if isinstance(mine, (str, int, bool)) and not isinstance(mine, float) else \
            abs(mine - got) <= (0.5e-4 if money else 0.5e-6) + 1e-9
        if ok:
            passed += 1
        else:
            failed += 1
            print(f"DIFF {what}: independent {mine!r}, tickstock {got!r}")

    for key, value in ours.items():
        check(key, value, theirs[key], key in MONEY)
    check("signals", count, theirs["signals"], False)
    for reason, n in skipped.items():
        check(f"skipped.{reason}", n, theirs["skipped"][reason], False)
    check("trade count", len(trades), len(theirs["trades"]), False)
    for i, (mine, got) in enumerate(zip(trades, theirs["trades"])):
        for key, value in mine.items():
            check(f"trade {i} {key}", value, got[key], key in MONEY)
    for i, (mine, got) in enumerate(zip(equity, theirs["equity"])):
        check(f"equity {i}", mine, got["equity"], True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
