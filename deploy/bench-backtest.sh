#!/usr/bin/env bash
# Issue 16 item 6: a 500-symbol × 5-year backtest through the daemon (bars already stored), next to psql merely
# reading the same ohlcv_daily rows (warm-up + range). Jobs take at most 50 symbols, so the 500 symbols go as ten
# 50-symbol jobs submitted at once (TICKSTOCK_BACKTEST_MAX_JOBS=10); the figure is first submit → last result.
# Uses the local services (deploy/services.sh; SERVICES_ENV names another env file), a scratch schema and channel names of its own; the bars are loaded
# first from the embedded stub by a data-load job (not timed). Needs `dotnet build src/TickStock.Cli -c Release`.
set -euo pipefail
cd "$(dirname "$0")/.."
. "${SERVICES_ENV:-.local/services.env}"
SYMBOLS=${SYMBOLS:-500}
NOW=2024-07-05T21:00:00Z
FROM=2019-07-08
TO=2024-07-05
tag="benchbt$$"
schema="bench_bt_$$"
cli=(dotnet src/TickStock.Cli/bin/Release/net10.0/tickstock.dll)
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$TICKSTOCK_PG_PORT" -U app_readwrite -d tickstock)
REDIS=(redis-cli -h 127.0.0.1 -p "$TICKSTOCK_REDIS_PORT")
log=$(mktemp)
results=$(mktemp)
"${PSQL[@]}" -c "CREATE SCHEMA $schema"
cleanup() {
  [[ -n "${daemon:-}" ]] && kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null || true
  [[ -n "${listener:-}" ]] && kill "$listener" 2>/dev/null || true
  "${PSQL[@]}" -c "DROP SCHEMA $schema CASCADE" >/dev/null || true
  "${REDIS[@]}" del "$tag:backtest:jobs" >/dev/null || true
  rm -f "$log" "$results"
}
trap cleanup EXIT
export TICKSTOCK_PG="$TICKSTOCK_PG;Search Path=$schema" TICKSTOCK_NOW="$NOW" TICKSTOCK_MARKET_DATA=none TICKSTOCK_HTTP=off \
  TICKSTOCK_JOBS_CHANNEL="$tag.jobs.data_load" TICKSTOCK_JOBS_CONTROL_CHANNEL="$tag.jobs.control" TICKSTOCK_JOBS_STATUS_PREFIX="$tag.jobs.status:" \
  TICKSTOCK_BACKTEST_CHANNEL="$tag.jobs.backtest" TICKSTOCK_BACKTEST_CANCEL_CHANNEL="$tag.jobs.cancel" \
  TICKSTOCK_BACKTEST_PROGRESS_CHANNEL="$tag.progress" TICKSTOCK_BACKTEST_RESULTS_CHANNEL="$tag.results" \
  TICKSTOCK_BACKTEST_LEDGER_KEY="$tag:backtest:jobs" TICKSTOCK_BACKTEST_MAX_JOBS=10 \
  TICKSTOCK_PATTERNS_CHANNEL="$tag.patterns" TICKSTOCK_HEALTH_CHANNEL="$tag.health" TICKSTOCK_HEALTH_CHECK_CHANNEL="$tag.health.check" \
  TICKSTOCK_HEARTBEAT_KEY="$tag:heartbeat" TICKSTOCK_LEGACY_HEARTBEAT_KEY="$tag:legacy" POLYGON_API_KEY= POLYGON_BASE_URL=
"${cli[@]}" run >"$log" 2>&1 &
daemon=$!
until grep -q "Backtest coordinator listening" "$log"; do sleep 1; kill -0 "$daemon"; done
list=$(seq -f 'B%03g' 0 $((SYMBOLS - 1)) | paste -sd,)
echo "loading $SYMBOLS symbols (not timed)…"
"${cli[@]}" job submit symbols "$list" --years 6.3 --wait --timeout 3600 >/dev/null
echo "stored: $("${PSQL[@]}" -tAc "SELECT count(*) FROM $schema.ohlcv_daily") daily rows"

# The rows the daemon reads: per symbol the 300 stored sessions before FROM (warm-up), then FROM … TO.
WARMUP_FROM=$("${PSQL[@]}" -tAc "SELECT date FROM $schema.ohlcv_daily WHERE symbol = 'B000' AND date < '$FROM' ORDER BY date DESC OFFSET 299 LIMIT 1")

"${REDIS[@]}" subscribe "$tag.results" >"$results" &
listener=$!
sleep 1
jobs=$(( (SYMBOLS + 49) / 50 ))
start=$(date +%s.%N)
for ((j = 0; j < jobs; j++)); do
  chunk=$(seq -f '"B%03g"' $((j * 50)) $((j * 50 + 49 < SYMBOLS - 1 ? j * 50 + 49 : SYMBOLS - 1)) | paste -sd,)
  "${REDIS[@]}" publish "$tag.jobs.backtest" "{\"type\":\"backtest_job\",\"job_id\":\"bench-$j\",\"symbols\":[$chunk],\"start_date\":\"$FROM\",\"end_date\":\"$TO\",\"patterns\":[],\"parameters\":{}}" >/dev/null
done
until [[ $(grep -c '"event_type":"backtest_result"' "$results") -ge $jobs ]]; do sleep 0.05; done
daemon_s=$(echo "$(date +%s.%N) - $start" | bc -l)
completed=$(grep -c '"status":"completed"' "$results" || true)

start=$(date +%s.%N)
"${PSQL[@]}" -c "\\copy (SELECT symbol, date, open, high, low, close, volume FROM $schema.ohlcv_daily WHERE date >= '$WARMUP_FROM' AND date <= '$TO' ORDER BY symbol, date) TO '/dev/null'"
psql_s=$(echo "$(date +%s.%N) - $start" | bc -l)
rows=$("${PSQL[@]}" -tAc "SELECT count(*) FROM $schema.ohlcv_daily WHERE date >= '$WARMUP_FROM' AND date <= '$TO'")
printf '{"symbols":%d,"jobs":%d,"completed":%d,"rows":%d,"daemon_seconds":%.2f,"psql_seconds":%.2f,"ratio":%.2f,"load_average":"%s"}\n' \
  "$SYMBOLS" "$jobs" "$completed" "$rows" "$daemon_s" "$psql_s" "$(echo "$daemon_s / $psql_s" | bc -l)" "$(cut -d' ' -f1-3 /proc/loadavg)"
