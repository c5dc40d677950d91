#!/usr/bin/env bash
# The 12 candlesticks in C# against npm `talib` on identical bars, back to back, and the ratio of the rates.
#   tools/talib-golden/bench-ratio.sh [bars] [rounds]      (defaults 1000000 and 3)
# bars.js writes one CSV; node bench.js and the C# run (TickStock.Benchmarks `candles-file`) both read it, alternating
# Node, C#, Node, C# so a change in the machine's load hits both. Each side prints its median pass; the ratio uses
# the median of each side's rounds, by wall time and by the process's CPU time (the steadier of the two when other work
# shares the cores). The load average before and after is printed: quote wall-time ratios only from a quiet machine.
# Needs `npm install` here and a Release build of tests/TickStock.Benchmarks.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
BARS="${1:-1000000}"
ROUNDS="${2:-3}"
DLL="$REPO/tests/TickStock.Benchmarks/bin/Release/net10.0/TickStock.Benchmarks.dll"
[[ -f "$DLL" ]] || { echo "bench-ratio: build first: dotnet build tests/TickStock.Benchmarks -c Release" >&2; exit 2; }
[[ -d "$HERE/node_modules/talib" ]] || { echo "bench-ratio: run npm install in $HERE first" >&2; exit 2; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
node "$HERE/bars.js" "$BARS" "$WORK/bars.csv"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
: > "$WORK/node.jsonl"
: > "$WORK/cs.jsonl"
for ((k = 1; k <= ROUNDS; k++)); do
  node "$HERE/bench.js" --file "$WORK/bars.csv" --rounds 3 | tee -a "$WORK/node.jsonl" | sed 's/^/node talib: /'
  dotnet "$DLL" candles-file "$WORK/bars.csv" 5 | tee -a "$WORK/cs.jsonl" | sed 's/^/C#:         /'
done
echo "load after:  $(cut -d' ' -f1-3 /proc/loadavg)"
node -e '
const fs = require("fs");
const runs = (f) => fs.readFileSync(f, "utf8").trim().split("\n").map((l) => JSON.parse(l));
const rates = (f, key = "cdl_bars_per_sec") => runs(f).map((r) => r[key]).sort((a, b) => a - b);
const fired = new Set([...runs(process.argv[1]), ...runs(process.argv[2])].map((r) => r.fired));
const median = (a) => a[Math.floor(a.length / 2)];
const js = rates(process.argv[1]), cs = rates(process.argv[2]);
const jsCpu = rates(process.argv[1], "cdl_bars_per_cpu_sec"), csCpu = rates(process.argv[2], "cdl_bars_per_cpu_sec");
console.log(JSON.stringify({ node_bars_per_sec: median(js), cs_bars_per_sec: median(cs), ratio: +(median(cs) / median(js)).toFixed(1),
  node_bars_per_cpu_sec: median(jsCpu), cs_bars_per_cpu_sec: median(csCpu), cpu_ratio: +(median(csCpu) / median(jsCpu)).toFixed(1),
  node_runs: js, cs_runs: cs, same_detections: fired.size === 1 }));
' "$WORK/node.jsonl" "$WORK/cs.jsonl"
