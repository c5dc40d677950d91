#!/usr/bin/env python3
"""Splits `bench publish` latency by hop, from the CSV that the probe build writes (PROBE_OUT).

Each line holds one measured event's Stopwatch timestamps (nanoseconds on Linux), by column:
0 handed to the pipeline, 1 IntegrationLogger received it, 6 taken into a write batch,
2 INSERT about to be sent, 3 commit returned, 4 Publisher received it, 5 script sent,
7 subscriber received it. Events written by COPY (batches over 64 rows) have no column 2 and
are skipped.
"""
import statistics
import sys

HOPS = [
    ("sender -> IntegrationLogger", 0, 1),
    ("waiting for a write slot", 1, 6),
    ("batch -> INSERT sent", 6, 2),
    ("INSERT + commit", 2, 3),
    ("commit -> Publisher mailbox", 3, 4),
    ("Publisher -> script sent", 4, 5),
    ("script sent -> subscriber", 5, 7),
    ("total", 0, 7),
]


def main(path: str) -> None:
    rows = [list(map(int, line.split(","))) for line in open(path, encoding="utf-8")]
    rows = [r for r in rows if all(r)]
    n = len(rows)
    worst = sorted(rows, key=lambda r: r[7] - r[0])[int(n * 0.99):]
    print(f"{n} events; ms")
    print(f"{'hop':32s} {'p50':>7s} {'p90':>7s} {'p99':>7s}  mean in worst 1 %")
    for name, a, b in HOPS:
        xs = sorted((r[b] - r[a]) / 1e6 for r in rows)
        tail = statistics.mean((r[b] - r[a]) / 1e6 for r in worst)
        print(f"{name:32s} {xs[n // 2]:7.3f} {xs[int(n * 0.9)]:7.3f} {xs[int(n * 0.99)]:7.3f}  {tail:7.3f}")


if __name__ == "__main__":
    main(sys.argv[1])
