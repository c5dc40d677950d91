#!/usr/bin/env bash
# The whole test suite: build (warnings are errors), local Redis + PostgreSQL up (installed from
# Debian packages when missing), then every test project against those real services.
# Extra arguments go to `dotnet test` (e.g. --filter FullyQualifiedName~Migrator).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
echo "[test] building (Release, warnings as errors)…" >&2
dotnet build TickStock.Actors.sln -c Release -nologo -v quiet -clp:ErrorsOnly -warnaserror -warnnotaserror:NU1603
deploy/services.sh up
# shellcheck disable=SC1091
. .local/services.env
dotnet test TickStock.Actors.sln -c Release --no-build -nologo "$@"
