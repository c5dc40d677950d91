#!/usr/bin/env bash
# Writes `tickstock scan` output (jsonl, csv, table) for every bar file in the repository into DIR,
# so a refactor can prove the detectors' output byte-identical:
#   tools/scan-snapshot.sh /tmp/before   # on the old build
#   tools/scan-snapshot.sh /tmp/after    # on the new build
#   diff -r /tmp/before /tmp/after
# Needs a Release build of the CLI (deploy/test.sh or dotnet build -c Release). No services.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:?usage: tools/scan-snapshot.sh DIR}"
CLI="$REPO/src/TickStock.Cli/bin/Release/net10.0/tickstock.dll"
mkdir -p "$OUT"
cd "$REPO"
# Bar files only: the TA-Lib golden outputs (*.cdl.csv, *.ind.csv) and universes are not bars.
find tests/TickStock.Core.Tests/TestData data/sample -name '*.csv' ! -name '*.cdl.csv' ! -name '*.ind.csv' | sort | while read -r file; do
  name="$(echo "$file" | tr '/' '_')"
  for format in jsonl csv table; do
    dotnet "$CLI" scan "$file" --format "$format" > "$OUT/$name.$format"
  done
  echo "$file: $(wc -l < "$OUT/$name.jsonl") detections" >&2
done
