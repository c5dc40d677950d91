#!/usr/bin/env bash
# The main job: local Redis + PostgreSQL up, then the daemon in the foreground with the offline
# defaults (synthetic market data; the embedded Polygon stub unless POLYGON_API_KEY is set).
# Ctrl+C stops it cleanly. Extra arguments go to `tickstock run`.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
echo "[run] building (Release)…" >&2
dotnet build src/TickStock.Cli -c Release -nologo -v quiet -clp:ErrorsOnly
deploy/services.sh up
# shellcheck disable=SC1091
. .local/services.env
# The node's state (the spill file) stays with the checkout, in the git-ignored .local/; one folder
# per remoting port, so several local nodes of one cluster never share a spill file.
export TICKSTOCK_STATE_DIR="${TICKSTOCK_STATE_DIR:-$REPO/.local/state${TICKSTOCK_AKKA_PORT:+-$TICKSTOCK_AKKA_PORT}}"
exec dotnet src/TickStock.Cli/bin/Release/net10.0/tickstock.dll run "$@"
