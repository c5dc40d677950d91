#!/usr/bin/env bash
# Cluster benchmark (issue 13.7): the synthetic source at SYMBOLS symbols on 1 node, then on 3 nodes of one cluster on
# this machine (loopback remoting), each run DURATION seconds after WARMUP seconds. Per run it prints one JSON line:
# bars/s through the sharded SymbolActors (tickstock_bars_processed_total summed over the nodes), patterns/s published
# (tickstock_patterns_published_total), CPU per bar (user+system time of every node's process over bars processed)
# and RSS per node, plus the load average; a last line compares the runs (goal: 3-node bars/s >= 0.6x 1-node on the
# same cores, i.e. what remoting and sharding across processes cost). MODE=memory (or all) measures the RSS per
# SymbolActor instead (or too): one node with SYMBOLS symbols against one with none, the difference over SYMBOLS,
# and the largest universe that fits in 2 GB at that rate.
#
# Every node gets its own remoting and management ports, state directory and scratch schema (dropped afterwards) and
# channel names of its own, so a running daemon or monitor is not disturbed. Uses the services of TICKSTOCK_REDIS /
# TICKSTOCK_PG when set, else starts the local ones (deploy/services.sh up).
# Usage: [MODE=throughput|memory|all] deploy/bench-cluster.sh [SYMBOLS=3000] [DURATION=60] [WARMUP=30] [SPEED=1]
#        (SPEED: bars/s per symbol; MODE defaults to throughput)
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
SYMBOLS=${1:-3000}
DURATION=${2:-60}
WARMUP=${3:-30}
SPEED=${4:-1}
MODE=${MODE:-throughput}
RUNS=0
dotnet build src/TickStock.Cli -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
if [ -z "${TICKSTOCK_REDIS:-}" ] || [ -z "${TICKSTOCK_PG:-}" ]; then
  deploy/services.sh up >/dev/null 2>&1
  # shellcheck disable=SC1091
  . .local/services.env
fi
CLI=(dotnet "$REPO/src/TickStock.Cli/bin/Release/net10.0/tickstock.dll")
RUN_ID="bc$$"
WORK=$(mktemp -d)
PIDS=()
SCHEMAS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  for schema in "${SCHEMAS[@]}"; do psql_admin -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

psql_admin() { psql -X -q "$(python3 -c 'import sys
parts = dict(p.split("=", 1) for p in sys.argv[1].split(";") if "=" in p)
print("host=%s port=%s dbname=%s user=%s" % (parts.get("Host", "localhost"), parts.get("Port", "5432"), parts.get("Database", "tickstock"), parts.get("Username", "app_readwrite")))' "$TICKSTOCK_PG")" "$@"; }

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# start_cluster NODES MARKET_DATA: starts NODES daemons (the first is every node's seed); sets NODE_PIDS and NODE_HTTP.
start_cluster() {
  RUNS=$((RUNS + 1))
  local nodes=$1 market=$2 run="${RUN_ID}r${RUNS}n$1" seeds="" ports=() i
  NODE_PIDS=()
  NODE_HTTP=()
  local schema="${run}"
  SCHEMAS+=("$schema")
  psql_admin -c "CREATE SCHEMA $schema" >/dev/null
  for i in $(seq 1 "$nodes"); do ports+=("$(free_port)"); done
  for i in $(seq 1 "$nodes"); do seeds+="${seeds:+,}akka.tcp://tickstock@127.0.0.1:${ports[$((i - 1))]}"; done
  for i in $(seq 1 "$nodes"); do
    local http log="$WORK/$run-$i.log"
    http=$(free_port)
    mkdir -p "$WORK/$run-$i"
    env TICKSTOCK_PG="$TICKSTOCK_PG;Search Path=$schema" \
      TICKSTOCK_MARKET_DATA="$market" TICKSTOCK_SYNTHETIC_SYMBOLS="$SYMBOLS" TICKSTOCK_SYNTHETIC_PACE=fast TICKSTOCK_MARKET_SPEED="$SPEED" \
      TICKSTOCK_AKKA_HOST=127.0.0.1 TICKSTOCK_AKKA_PORT="${ports[$((i - 1))]}" TICKSTOCK_SEED_NODES="$seeds" \
      TICKSTOCK_HTTP="127.0.0.1:$http" TICKSTOCK_STATE_DIR="$WORK/$run-$i" \
      TICKSTOCK_PATTERNS_CHANNEL="$run.events.patterns" TICKSTOCK_HEALTH_CHANNEL="$run.health.status" \
      TICKSTOCK_HEALTH_CHECK_CHANNEL="$run.health.check" TICKSTOCK_HEARTBEAT_KEY="$run:heartbeat" \
      TICKSTOCK_LEGACY_HEARTBEAT_KEY="$run:legacy-heartbeat" TICKSTOCK_TICK_CHANNEL="$run.data.raw" \
      TICKSTOCK_JOBS_CHANNEL="$run.jobs.data_load" TICKSTOCK_JOBS_CONTROL_CHANNEL="$run.jobs.control" \
      TICKSTOCK_JOBS_STATUS_PREFIX="$run.jobs.status:" \
      "${CLI[@]}" run >"$log" 2>&1 &
    PIDS+=("$!")
    NODE_PIDS+=("$!")
    NODE_HTTP+=("127.0.0.1:$http")
    # The first node forms the cluster before the others ask to join it.
    if [ "$i" = 1 ]; then wait_up "127.0.0.1:$http" 1; fi
  done
  wait_up "${NODE_HTTP[0]}" "$nodes"
}

# wait_up HTTP N: until the node at HTTP sees N members up (at most 120 s).
wait_up() {
  local deadline=$((SECONDS + 120))
  until [ "$(curl -fsS "http://$1/v1/cluster" 2>/dev/null | python3 -c 'import json,sys; print(sum(m["status"] == "up" for m in json.load(sys.stdin)["members"]))' 2>/dev/null)" = "$2" ]; do
    if [ $SECONDS -gt $deadline ]; then echo "cluster at $1 did not reach $2 members up" >&2; tail -n 30 "$WORK"/*.log >&2; exit 1; fi
    sleep 1
  done
}

# sample: one line per node "bars patterns cpu_ticks rss_kb"
sample() {
  local i
  for i in "${!NODE_PIDS[@]}"; do
    local pid=${NODE_PIDS[$i]} metrics
    metrics=$(curl -fsS "http://${NODE_HTTP[$i]}/metrics")
    python3 - "$pid" "$metrics" <<'PY'
import sys
pid, text = sys.argv[1], sys.argv[2]
def total(name):
    return sum(float(l.rsplit(" ", 1)[1]) for l in text.splitlines() if l.startswith(name + "{") or l.startswith(name + " "))
stat = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
rss = next(int(l.split()[1]) for l in open(f"/proc/{pid}/status") if l.startswith("VmRSS:"))
print(int(total("tickstock_bars_processed_total")), int(total("tickstock_patterns_published_total")), int(stat[11]) + int(stat[12]), rss)
PY
  done
}

stop_cluster() {
  local pid
  for pid in "${NODE_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${NODE_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}

# measure NODES: one JSON line for a run of NODES nodes.
measure() {
  local nodes=$1 before after
  start_cluster "$nodes" synthetic
  sleep "$WARMUP"
  before=$(sample)
  local t0=$SECONDS
  sleep "$DURATION"
  after=$(sample)
  local elapsed=$((SECONDS - t0))
  stop_cluster
  python3 - "$nodes" "$SYMBOLS" "$SPEED" "$elapsed" "$before" "$after" "$(cut -d' ' -f1-3 /proc/loadavg)" "$(getconf CLK_TCK)" <<'PY'
import json, sys
nodes, symbols, speed, elapsed = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
before = [list(map(int, l.split())) for l in sys.argv[5].splitlines()]
after = [list(map(int, l.split())) for l in sys.argv[6].splitlines()]
load, ticks = sys.argv[7], int(sys.argv[8])
bars = sum(a[0] - b[0] for a, b in zip(after, before))
patterns = sum(a[1] - b[1] for a, b in zip(after, before))
cpu = sum(a[2] - b[2] for a, b in zip(after, before)) / ticks
print(json.dumps({"nodes": nodes, "symbols": symbols, "offered_bars_per_sec": symbols * speed, "seconds": elapsed,
                  "bars_per_sec": round(bars / elapsed), "patterns_per_sec": round(patterns / elapsed, 1),
                  "cpu_us_per_bar": round(cpu * 1e6 / bars, 1) if bars else None, "cpu_cores_used": round(cpu / elapsed, 2),
                  "rss_mb_per_node": [round(a[3] / 1024) for a in after], "load_average": load}))
PY
}

if [ "$MODE" != memory ]; then
  one=$(measure 1)
  echo "$one"
  three=$(measure 3)
  echo "$three"
  python3 - "$one" "$three" <<'PY'
import json, sys
one, three = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(json.dumps({"three_over_one_bars_per_sec": round(three["bars_per_sec"] / one["bars_per_sec"], 2) if one["bars_per_sec"] else None,
                  "goal": ">= 0.6"}))
PY
fi

if [ "$MODE" != throughput ]; then
  # RSS per SymbolActor: one node streaming SYMBOLS symbols against one with no market data, both after WARMUP.
  start_cluster 1 none
  sleep "$WARMUP"
  empty=$(sample | cut -d' ' -f4)
  stop_cluster
  start_cluster 1 synthetic
  sleep "$WARMUP"
  full=$(sample | cut -d' ' -f4)
  stop_cluster
  python3 -c "import json; e, f, n = $empty, $full, $SYMBOLS; per = (f - e) * 1024 / n; print(json.dumps({'rss_mb_without_symbols': round(e / 1024), 'rss_mb_with_symbols': round(f / 1024), 'symbols': n, 'kb_per_symbol_actor': round(per / 1024, 1), 'symbols_within_2gb': int((2048 * 1024 * 1024 - e * 1024) / per) if per > 0 else None}))"
fi
