#!/usr/bin/env bash
# The whole test suite: build (warnings are errors), local Redis + PostgreSQL up (installed from
# Debian packages when missing), then every test project against those real services.
# Extra arguments go to the main `dotnet test` run (e.g. --filter FullyQualifiedName~Migrator); the
# host-zone runs after it are fixed.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
echo "[test] building (Release, warnings as errors)…" >&2
dotnet build TickStock.Actors.sln -c Release -nologo -v quiet -clp:ErrorsOnly -warnaserror -warnnotaserror:NU1603
deploy/services.sh up
# shellcheck disable=SC1091
. .local/services.env
# A test that hangs must fail the run with its name, not hold it until an outer timeout: the blame collector stops a
# test host after 10 minutes without a test finishing (the longest test takes ~2) and names the test that was running;
# xunit.runner.json names any test still running after 90 s.
dotnet test TickStock.Actors.sln -c Release --no-build -nologo --blame-hang-timeout 10m --blame-hang-dump-type none "$@"

# Exchange time must not depend on the host's zone (New York is always named explicitly). The pure
# calendar, job-window, period and aggregation tests and the minute-bar builder run again under zones
# on both sides of New York and at UTC; the stub's served bars (real CSV rows at their instants, and
# the byte-pinned synthetic ones across both DST switches) under the two zones that are not UTC.
for zone in Asia/Tokyo America/Los_Angeles UTC; do
  echo "[test] calendar, window and aggregation tests under TZ=$zone…" >&2
  TZ="$zone" dotnet test tests/TickStock.Core.Tests -c Release --no-build -nologo \
    --filter 'FullyQualifiedName~TickStock.Core.Tests.Calendar|FullyQualifiedName~TickStock.Core.Tests.Loading|FullyQualifiedName~TickStock.Core.Tests.Polygon|FullyQualifiedName~TickStock.Core.Tests.Jobs'
  TZ="$zone" dotnet test tests/TickStock.Actors.Tests -c Release --no-build -nologo \
    --filter 'FullyQualifiedName~TickStock.Actors.Tests.Symbols.MinuteBarBuilderTests'
  if [ "$zone" != UTC ]; then
    TZ="$zone" dotnet test tests/TickStock.PolygonStub.Tests -c Release --no-build -nologo \
      --filter 'FullyQualifiedName~TickStock.PolygonStub.Tests.ServedBarsDigestTests|FullyQualifiedName~TickStock.PolygonStub.Tests.ServedBarsTests|FullyQualifiedName~TickStock.PolygonStub.Tests.AggregatesTests.Envelope|FullyQualifiedName~TickStock.PolygonStub.Tests.AggregatesTests.Day_bar|FullyQualifiedName~TickStock.PolygonStub.Tests.AggregatesTests.Week_and_month|FullyQualifiedName~TickStock.PolygonStub.Tests.AggregatesTests.Nothing_after_now'
  fi
done
