#!/usr/bin/env bash
# Historical-load benchmark: SYMBOLS symbols × YEARS years from the daemon's embedded stub (rate
# limit off) into all five OHLCV tables — a first load (empty tables: the writer COPies straight in),
# then the same job again (a reload: every row exists, so staging + upsert) — next to the same rows
# loaded by hand with psql the way the reload does it (\copy into a staging table, then INSERT … ON
# CONFLICT DO UPDATE) and with a plain \copy into empty tables. Prints whole-job rows/s, the
# hand-load rows/s, the ratios and the daemon's peak RSS.
#
#   deploy/bench-load.sh                    # 100 symbols × 1 year (the issue's benchmark)
#   SYMBOLS=20 YEARS=0.25 deploy/bench-load.sh
#   DAEMON_ONLY=1 SYMBOLS=100 YEARS=0.25 deploy/bench-load.sh   # job time and peak RSS only
#
# Everything happens in throw-away schemas of the local database; they are dropped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
SYMBOLS=${SYMBOLS:-100}
YEARS=${YEARS:-1}
NOW=${NOW:-2025-06-13T21:00:00Z}

deploy/services.sh up >/dev/null
# shellcheck disable=SC1091
. .local/services.env
dotnet build src/TickStock.Cli -c Release -nologo -v q >/dev/null
CLI=(dotnet "$PWD/src/TickStock.Cli/bin/Release/net10.0/tickstock.dll")
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$TICKSTOCK_PG_PORT" -U app_readwrite -d tickstock)

tag="bench_$$"
work=$(mktemp -d)
daemon_pid=""
cleanup() {
  [ -n "$daemon_pid" ] && kill -TERM "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null || true
  "${PSQL[@]}" -c "DROP SCHEMA IF EXISTS ${tag} CASCADE; DROP SCHEMA IF EXISTS ${tag}_hand CASCADE; DROP SCHEMA IF EXISTS ${tag}_plain CASCADE;" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/universes"
{ echo symbol; tail -n +2 data/universes/sp_500.csv | cut -d, -f1 | head -n "$SYMBOLS"; } > "$work/universes/bench.csv"
# Warm-up symbols outside the measured universe: the first job of a fresh process pays the JIT.
# One symbol was not enough: the tiering JIT still took 18 % of the machine's samples during a
# 30-symbol job after it (perf, 2026-12-04). WARM symbols, then a pause for the JIT's queue.
WARM=${WARM:-5}
mapfile -t warm_list < <(tail -n +2 data/universes/sp_500.csv | cut -d, -f1 | sed -n "$((SYMBOLS + 1)),$((SYMBOLS + WARM))p")
warm="${warm_list[*]}"
{ echo symbol; printf '%s\n' "${warm_list[@]}"; } > "$work/universes/warm.csv"
"${PSQL[@]}" -c "CREATE SCHEMA ${tag}; CREATE SCHEMA ${tag}_hand; CREATE SCHEMA ${tag}_plain;"

export TICKSTOCK_PG="$TICKSTOCK_PG;Search Path=${tag}"
export TICKSTOCK_DATA_DIR="$work" TICKSTOCK_NOW="$NOW" TICKSTOCK_MARKET_DATA=none
export TICKSTOCK_JOBS_CHANNEL="${tag}.jobs" TICKSTOCK_JOBS_CONTROL_CHANNEL="${tag}.control" TICKSTOCK_JOBS_STATUS_PREFIX="${tag}.status:"
# The bench daemon keeps off the names a developer's daemon or `tickstock monitor` use.
export TICKSTOCK_PATTERNS_CHANNEL="${tag}.patterns" TICKSTOCK_HEALTH_CHANNEL="${tag}.health" TICKSTOCK_HEALTH_CHECK_CHANNEL="${tag}.health.check"
export TICKSTOCK_HEARTBEAT_KEY="${tag}:heartbeat" TICKSTOCK_LEGACY_HEARTBEAT_KEY="${tag}:legacy-heartbeat" TICKSTOCK_HTTP=127.0.0.1:0
unset POLYGON_API_KEY POLYGON_BASE_URL

"${CLI[@]}" run > "$work/daemon.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 1 120); do grep -q "Job coordinator listening" "$work/daemon.log" && break; sleep 0.5; done
grep -q "Job coordinator listening" "$work/daemon.log" || { echo "daemon did not start:"; tail -20 "$work/daemon.log"; exit 1; }

if [ "${#warm_list[@]}" -gt 0 ]; then
  echo "== warm-up: ${warm} × ${YEARS} years (its rows are removed again)"
  "${CLI[@]}" job submit csv warm.csv --years "$YEARS" --job-id "${tag}_warm" --wait > "$work/warm.log" 2>&1 || { cat "$work/warm.log"; exit 1; }
  # Emptied again (TRUNCATE, not DELETE: the measured job starts on empty tables, as the plain \copy does).
  "${PSQL[@]}" -c "TRUNCATE ${tag}.ohlcv_1min, ${tag}.ohlcv_hourly, ${tag}.ohlcv_daily, ${tag}.ohlcv_weekly, ${tag}.ohlcv_monthly"
  sleep 2
else
  echo "== no warm-up symbol left in the universe file after the first ${SYMBOLS}: the job pays the JIT"
fi

echo "== loading ${SYMBOLS} symbols × ${YEARS} years (now ${NOW}) through the daemon"
start=$(date +%s.%N)
"${CLI[@]}" job submit csv bench.csv --years "$YEARS" --job-id "$tag" --wait > "$work/submit.log" 2>&1 || { cat "$work/submit.log"; exit 1; }
end=$(date +%s.%N)
peak_kb=$(awk '/VmHWM/ {print $2}' "/proc/$daemon_pid/status")
job_s=$(echo "$end - $start" | bc -l)

echo "== the same job again: a reload (every row exists: staging + upsert)"
start=$(date +%s.%N)
"${CLI[@]}" job submit csv bench.csv --years "$YEARS" --job-id "${tag}_reload" --wait > "$work/reload.log" 2>&1 || { cat "$work/reload.log"; exit 1; }
end=$(date +%s.%N)
reload_s=$(echo "$end - $start" | bc -l)

tables="ohlcv_1min ohlcv_hourly ohlcv_daily ohlcv_weekly ohlcv_monthly"
if [ "${DAEMON_ONLY:-0}" = 1 ]; then
  # Memory runs: the daemon's job and peak RSS only, no hand loads.
  total=0
  for t in $tables; do total=$((total + $("${PSQL[@]}" -At -c "SELECT count(*) FROM ${tag}.${t}"))); done
  printf '\n== results (%s symbols × %s years, %d bar rows; DAEMON_ONLY)\n' "$SYMBOLS" "$YEARS" "$total"
  printf '   daemon first load: %8.1f s  %10.0f rows/s\n' "$job_s" "$(echo "$total / $job_s" | bc -l)"
  printf '   daemon reload:     %8.1f s  %10.0f rows/s\n' "$reload_s" "$(echo "$total / $reload_s" | bc -l)"
  printf '   daemon peak RSS (VmHWM): %d MB\n' "$((peak_kb / 1024))"
  exit 0
fi
total=0
for t in $tables; do
  n=$("${PSQL[@]}" -At -c "SELECT count(*) FROM ${tag}.${t}")
  printf '   %-14s %10d rows\n' "$t" "$n"
  total=$((total + n))
  "${PSQL[@]}" -c "\\copy ${tag}.${t} TO '$work/${t}.csv' CSV"
  "${PSQL[@]}" -c "CREATE TABLE ${tag}_hand.${t} (LIKE ${tag}.${t} INCLUDING ALL); CREATE TABLE ${tag}_plain.${t} (LIKE ${tag}.${t} INCLUDING ALL);"
done

pk() { case "$1" in ohlcv_1min|ohlcv_hourly) echo '"timestamp"';; ohlcv_daily) echo date;; ohlcv_weekly) echo week_ending;; ohlcv_monthly) echo month_ending;; esac; }
{
  for t in $tables; do
    cat <<SQL
BEGIN;
CREATE TEMP TABLE stage_${t} (LIKE ${tag}_hand.${t}) ON COMMIT DROP;
\\copy stage_${t} FROM '$work/${t}.csv' CSV
INSERT INTO ${tag}_hand.${t} AS x SELECT * FROM stage_${t}
ON CONFLICT (symbol, $(pk "$t")) DO UPDATE SET open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close, volume = EXCLUDED.volume;
COMMIT;
SQL
  done
} > "$work/hand.sql"
{ for t in $tables; do echo "\\copy ${tag}_plain.${t} FROM '$work/${t}.csv' CSV"; done; } > "$work/plain.sql"

start=$(date +%s.%N); "${PSQL[@]}" -f "$work/hand.sql"; end=$(date +%s.%N); hand_s=$(echo "$end - $start" | bc -l)
start=$(date +%s.%N); "${PSQL[@]}" -f "$work/plain.sql"; end=$(date +%s.%N); plain_s=$(echo "$end - $start" | bc -l)

calls=$(grep -c "Polygon call" "$work/daemon.log" || true)
printf '\n== results (%s symbols × %s years, %d bar rows)\n' "$SYMBOLS" "$YEARS" "$total"
printf '   daemon first load (fetch + parse + COPY + aggregates):   %8.1f s  %10.0f rows/s\n' "$job_s" "$(echo "$total / $job_s" | bc -l)"
printf '   daemon reload (fetch + parse + staging + upsert):        %8.1f s  %10.0f rows/s\n' "$reload_s" "$(echo "$total / $reload_s" | bc -l)"
printf '   psql \\copy → staging → upsert (same rows):             %8.1f s  %10.0f rows/s\n' "$hand_s" "$(echo "$total / $hand_s" | bc -l)"
printf '   psql plain \\copy into empty tables:                     %8.1f s  %10.0f rows/s\n' "$plain_s" "$(echo "$total / $plain_s" | bc -l)"
printf '   ratio first load / hand staged load: %.2f\n' "$(echo "$hand_s / $job_s" | bc -l)"
printf '   ratio first load / plain \\copy:      %.2f\n' "$(echo "$plain_s / $job_s" | bc -l)"
printf '   ratio reload / hand staged load:     %.2f\n' "$(echo "$hand_s / $reload_s" | bc -l)"
printf '   daemon peak RSS (VmHWM): %d MB\n' "$((peak_kb / 1024))"
printf '   provider retries logged: %s\n' "$calls"
