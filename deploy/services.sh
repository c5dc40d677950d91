#!/usr/bin/env bash
# Local Redis + PostgreSQL for development and tests, on loopback, without systemd.
#
#   deploy/services.sh up        install what is missing, start both, create db/role, migrate
#   deploy/services.sh down      stop both (data is kept under .local/)
#   deploy/services.sh status    what runs where
#   deploy/services.sh env       print the environment file (no password in it)
#   deploy/services.sh start-redis|stop-redis|start-postgres|stop-postgres   (fault tests)
#
# Options (environment): TICKSTOCK_REDIS_PORT, TICKSTOCK_PG_PORT (defaults 6379/5432, or the next
# free port when taken by something else), TICKSTOCK_SKIP_MIGRATE=1 (do not run `tickstock db migrate`).
#
# State lives in .local/ (git-ignored): .local/services.env (ports, connection strings, PGPASSFILE),
# .local/pgpass (libpq password file, mode 0600, generated once), .local/redis, .local/pg.
# The password is never printed and never passed on a command line.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL="$REPO/.local"
ENV_FILE="$LOCAL/services.env"
PGPASS="$LOCAL/pgpass"
REDIS_DIR="$LOCAL/redis"
DB_NAME=tickstock
APP_ROLE=app_readwrite

log() { printf '[services] %s\n' "$*" >&2; }
die() { printf '[services] error: %s\n' "$*" >&2; exit 1; }

mkdir -p "$LOCAL"
chmod 755 "$LOCAL"

# ---------- helpers ----------
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

saved() { # saved KEY -> value from a previous run's env file
  [ -f "$ENV_FILE" ] && sed -n "s/^export $1=\"\{0,1\}\([^\"]*\)\"\{0,1\}$/\1/p" "$ENV_FILE" | tail -n 1 || true
}

pick_port() { # pick_port DEFAULT PIDFILE_CHECK_FN -> first free port from DEFAULT (or ours if running)
  local p=$1
  for _ in $(seq 0 50); do
    if ! port_open "$p"; then echo "$p"; return; fi
    p=$((p + 1))
  done
  die "no free port near $1"
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo -n "$@" || die "need root to run: $* (sudo -n refused)"
  else die "need root to run: $*"; fi
}

apt_install() { # apt_install PKG... ; never lets the package start a system-wide service
  log "installing $* from Debian packages"
  local created_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    as_root sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d'
    created_policy=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  if ! as_root apt-get install -y --no-install-recommends "$@" >"$LOCAL/apt.log" 2>&1; then
    as_root apt-get update >>"$LOCAL/apt.log" 2>&1 || true
    as_root apt-get install -y --no-install-recommends "$@" >>"$LOCAL/apt.log" 2>&1 \
      || { [ $created_policy = 1 ] && as_root rm -f /usr/sbin/policy-rc.d; die "apt-get install $* failed (see $LOCAL/apt.log)"; }
  fi
  [ $created_policy = 1 ] && as_root rm -f /usr/sbin/policy-rc.d
  return 0
}

# ---------- Redis ----------
redis_pidfile() { echo "$REDIS_DIR/redis.pid"; }
redis_running() { local f; f=$(redis_pidfile); [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null; }

ensure_redis_binary() {
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  command -v redis-server >/dev/null 2>&1 || die "redis-server not found after install"
}

start_redis() {
  ensure_redis_binary
  mkdir -p "$REDIS_DIR"
  if redis_running; then REDIS_PORT=$(saved TICKSTOCK_REDIS_PORT); log "redis already running on $REDIS_PORT"; return; fi
  REDIS_PORT=${TICKSTOCK_REDIS_PORT:-$(saved TICKSTOCK_REDIS_PORT)}
  REDIS_PORT=$(pick_port "${REDIS_PORT:-6379}")
  cat >"$REDIS_DIR/redis.conf" <<EOF
bind 127.0.0.1
port $REDIS_PORT
protected-mode yes
daemonize yes
pidfile $(redis_pidfile)
logfile $REDIS_DIR/redis.log
dir $REDIS_DIR
save ""
appendonly no
EOF
  redis-server "$REDIS_DIR/redis.conf"
  for _ in $(seq 1 50); do port_open "$REDIS_PORT" && break; sleep 0.1; done
  port_open "$REDIS_PORT" || die "redis did not start (see $REDIS_DIR/redis.log)"
  log "redis up on 127.0.0.1:$REDIS_PORT"
}

stop_redis() {
  if redis_running; then
    local pid; pid=$(cat "$(redis_pidfile)")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    log "redis stopped"
  fi
}

# ---------- PostgreSQL ----------
pg_bindir() {
  local d
  if command -v pg_config >/dev/null 2>&1; then d=$(pg_config --bindir); [ -x "$d/initdb" ] && { echo "$d"; return; }; fi
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do [ -x "$d/initdb" ] && { echo "$d"; return; }; done
  d=$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/x)"); [ -x "$d/initdb" ] && { echo "$d"; return; }
  return 1
}

ensure_pg_binary() {
  PG_BIN=$(pg_bindir) || { apt_install postgresql; PG_BIN=$(pg_bindir) || die "PostgreSQL binaries not found after install"; }
  command -v psql >/dev/null 2>&1 || [ -x "$PG_BIN/psql" ] || apt_install postgresql-client
}

# PostgreSQL refuses to run as root: as root we run it as the `postgres` system user (created by
# the Debian package), or a dedicated `tickstock-pg` user when that does not exist.
pg_user() {
  if [ "$(id -u)" != 0 ]; then id -un; return; fi
  if id postgres >/dev/null 2>&1; then echo postgres; return; fi
  id tickstock-pg >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin tickstock-pg
  echo tickstock-pg
}

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u "$PG_USER" -- "$@"; else "$@"; fi; }

# The data folder is .local/pg. When the checkout is not reachable by the server's user (a clone
# under /root, say), the data lives in a per-checkout folder under /var/tmp and .local/pg links to it.
pg_home() {
  local want="$LOCAL/pg"
  if [ -L "$want" ]; then readlink -f "$want"; return; fi
  if [ "$(id -u)" = 0 ] && ! runuser -u "$PG_USER" -- test -x "$LOCAL"; then
    local alt; alt="/var/tmp/tickstock-pg-$(printf '%s' "$REPO" | sha1sum | cut -c1-10)"
    mkdir -p "$alt"; ln -sfn "$alt" "$want"; echo "$alt"; return
  fi
  mkdir -p "$want"; echo "$want"
}

pg_socket_dir() { echo "/tmp/tickstock-pg-$(printf '%s' "$REPO" | sha1sum | cut -c1-10)"; }

pg_running() { [ -f "$PG_DATA/postmaster.pid" ] && as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; }

pg_setup_vars() {
  ensure_pg_binary
  PG_USER=$(pg_user)
  PG_HOME=$(pg_home)
  PG_DATA="$PG_HOME/data"
  PG_SOCK=$(pg_socket_dir)
  mkdir -p "$PG_HOME" "$PG_SOCK"
  [ "$(id -u)" = 0 ] && chown "$PG_USER" "$PG_HOME" "$PG_SOCK"
  chmod 700 "$PG_HOME" "$PG_SOCK"
}

start_postgres() {
  pg_setup_vars
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    log "initialising a PostgreSQL cluster in $PG_DATA"
    as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U "$PG_USER" --auth-local=peer --auth-host=scram-sha-256 \
      -E UTF8 --locale=C.UTF-8 >"$PG_HOME/initdb.log" 2>&1 || die "initdb failed (see $PG_HOME/initdb.log)"
  fi
  if pg_running; then
    PG_PORT=$(saved TICKSTOCK_PG_PORT); log "postgres already running on $PG_PORT"; return
  fi
  PG_PORT=${TICKSTOCK_PG_PORT:-$(saved TICKSTOCK_PG_PORT)}
  PG_PORT=$(pick_port "${PG_PORT:-5432}")
  # The log explains a stall when one happens: lock waits over deadlock_timeout (1 s), statements
  # over 1 s, and every autovacuum run next to the checkpoints PostgreSQL 15 logs by default.
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_HOME/server.log" -w -t 60 \
    -o "-p $PG_PORT -k $PG_SOCK -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=on -c log_lock_waits=on -c log_min_duration_statement=1000 -c log_autovacuum_min_duration=0" start >/dev/null \
    || die "postgres did not start (see $PG_HOME/server.log)"
  log "postgres up on 127.0.0.1:$PG_PORT"
}

stop_postgres() {
  pg_setup_vars
  if pg_running; then as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null; log "postgres stopped"; fi
}

psql_admin() { as_pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCK" -p "$PG_PORT" -U "$PG_USER" -d postgres "$@"; }

ensure_role_and_db() {
  local pw=""
  if [ -f "$PGPASS" ]; then pw=$(awk -F: -v r="$APP_ROLE" '$4==r {print $5; exit}' "$PGPASS"); fi
  if [ -z "$pw" ]; then
    pw=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32)
    log "generated a password for role $APP_ROLE (kept in .local/pgpass)"
  fi
  # Fed on stdin so it never shows in a process list or a log.
  psql_admin <<SQL >/dev/null
\set pw '$pw'
SELECT format('CREATE ROLE %I LOGIN', '$APP_ROLE') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$APP_ROLE') \gexec
ALTER ROLE $APP_ROLE WITH LOGIN PASSWORD :'pw';
SELECT format('CREATE DATABASE %I OWNER %I', '$DB_NAME', '$APP_ROLE') WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$DB_NAME') \gexec
SQL
  umask 077
  # Any port on loopback: tests reach the server through fault-injecting proxies on other ports.
  { echo "127.0.0.1:*:*:$APP_ROLE:$pw"; echo "localhost:*:*:$APP_ROLE:$pw"; } >"$PGPASS.tmp"
  mv "$PGPASS.tmp" "$PGPASS"; chmod 600 "$PGPASS"
  umask 022
}

write_env() {
  cat >"$ENV_FILE" <<EOF
# Written by deploy/services.sh; source it to talk to the local services. No secrets here:
# the PostgreSQL password is in the libpq password file named by PGPASSFILE.
export TICKSTOCK_REDIS_PORT="$REDIS_PORT"
export TICKSTOCK_PG_PORT="$PG_PORT"
export TICKSTOCK_REDIS="127.0.0.1:$REDIS_PORT"
export TICKSTOCK_PG="Host=127.0.0.1;Port=$PG_PORT;Database=$DB_NAME;Username=$APP_ROLE"
export PGPASSFILE="$PGPASS"
EOF
}

migrate() {
  [ "${TICKSTOCK_SKIP_MIGRATE:-0}" = 1 ] && return
  # shellcheck disable=SC1090
  . "$ENV_FILE"
  local dll="$REPO/src/TickStock.Cli/bin/Release/net10.0/tickstock.dll"
  if [ -f "$dll" ]; then dotnet "$dll" db migrate
  else dotnet run --project "$REPO/src/TickStock.Cli" -c Release -- db migrate; fi
}

cmd=${1:-up}
case "$cmd" in
  up)
    start_redis
    start_postgres
    ensure_role_and_db
    write_env
    migrate
    log "ready: source .local/services.env"
    ;;
  down) stop_redis; stop_postgres ;;
  status)
    if redis_running; then echo "redis: running on $(saved TICKSTOCK_REDIS_PORT)"; else echo "redis: stopped"; fi
    pg_setup_vars; if pg_running; then echo "postgres: running on $(saved TICKSTOCK_PG_PORT)"; else echo "postgres: stopped"; fi
    ;;
  env) cat "$ENV_FILE" ;;
  start-redis) start_redis; PG_PORT=$(saved TICKSTOCK_PG_PORT); write_env ;;
  stop-redis) stop_redis ;;
  start-postgres) REDIS_PORT=$(saved TICKSTOCK_REDIS_PORT); start_postgres; write_env ;;
  stop-postgres) stop_postgres ;;
  *) die "unknown command '$cmd' (up | down | status | env | start-redis | stop-redis | start-postgres | stop-postgres)" ;;
esac
