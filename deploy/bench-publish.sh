#!/usr/bin/env bash
# Pattern pipeline benchmark (issue 3), one run on the local Redis/PostgreSQL:
#   1. the floor: a raw `psql \copy` of N integration_events rows (what the IntegrationLogger's
#      binary COPY competes with), timed;
#   2. `tickstock bench publish --events N` (row committed, then PUBLISH, received by a subscriber);
#   steps 1 and 2 alternate ROUNDS times (the same copy took 0.85 s in one round and 1.38 s in the
#   next on this shared 2-core machine), and the summary line compares their medians;
#   3. `tickstock bench publish --events M --rate 2000` for latency at a steady rate.
# Usage: deploy/bench-publish.sh [N=50000] [M=20000] [ROUNDS=3]
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
N=${1:-50000}
M=${2:-20000}
ROUNDS=${3:-3}
dotnet build src/TickStock.Cli -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
deploy/services.sh up >/dev/null 2>&1
# shellcheck disable=SC1091
. .local/services.env
CLI="dotnet src/TickStock.Cli/bin/Release/net10.0/tickstock.dll"
PSQL=(psql -X -q "host=127.0.0.1 port=$TICKSTOCK_PG_PORT dbname=tickstock user=app_readwrite")

# Every run deletes its rows again; vacuum first so neither side pays for earlier runs' dead rows
# (or has an autovacuum start in the middle of it).
vacuum() { "${PSQL[@]}" -c "VACUUM (ANALYZE) integration_events"; }

csv=$(mktemp)
trap 'rm -f "$csv"' EXIT
# The rows the pipeline writes, column for column: its own per-row timestamp (not DEFAULT now(),
# one value per COPY, which the DESC timestamp index would keep as one deduplicated key), the
# two pattern names it alternates, 500 symbols and the same details shape.
python3 - "$N" >"$csv" <<'PY'
import sys, uuid, time, datetime
n = int(sys.argv[1])
now = time.time()
for i in range(n):
    ts = datetime.datetime.fromtimestamp(now + i * 1e-5, datetime.timezone.utc).isoformat()
    pattern = "Volume_Spike" if i % 2 == 0 else "Price_Breakout"
    print(f'{uuid.uuid4()},{ts},pattern_detected,TickStockPL,BENCH_COPY,tickstock.bench.copy,B{i%500},{pattern},0.75,"{{""tier"":""intraday"",""timestamp"":{now:.6f}}}"')
PY
copy_rates=()
bench_rates=()
for round in $(seq 1 "$ROUNDS"); do
  vacuum
  start=$(date +%s.%N)
  "${PSQL[@]}" -c "\\copy integration_events (flow_id, \"timestamp\", event_type, source_system, checkpoint, channel, symbol, pattern_name, confidence, details) FROM '$csv' WITH (FORMAT csv)"
  end=$(date +%s.%N)
  "${PSQL[@]}" -c "DELETE FROM integration_events WHERE checkpoint = 'BENCH_COPY'"
  copy=$(python3 -c "n=$N; s=$end-$start; print('{\"round\":$round,\"psql_copy_rows\":%d,\"seconds\":%.3f,\"rows_per_sec\":%.0f}' % (n, s, n/s))")
  echo "$copy"
  copy_rates+=("$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['rows_per_sec'])" "$copy")")

  vacuum
  result=$($CLI bench publish --events "$N") || { echo "$result"; exit 1; }
  echo "$result"
  bench_rates+=("$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['events_per_sec'])" "$result")")
done
python3 - "${copy_rates[*]}" "${bench_rates[*]}" <<'PY'
import json, statistics, sys
copy = [float(x) for x in sys.argv[1].split()]
bench = [float(x) for x in sys.argv[2].split()]
c, b = statistics.median(copy), statistics.median(bench)
print(json.dumps({"rounds": len(copy), "median_psql_copy_rows_per_sec": round(c), "median_bench_events_per_sec": round(b),
                  "ratio": round(b / c, 2), "per_round_ratios": [round(y / x, 2) for x, y in zip(copy, bench)]}))
PY

vacuum
$CLI bench publish --events "$M" --rate 2000
