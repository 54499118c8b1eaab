"""Deep pages of /api/projects: OFFSET (now capped at row 10,000) against keyset pagination (`after`).

    python -m benchmarks.deep_pages --db /tmp/membench/registry-1000000.db

For each sort it times, in the same run, one page of 100 rows read through `Registry.projects`:
at OFFSET 9,900 (the deepest page/per_page still allows), at OFFSET n-100 (the last page, which
the API now refuses), and by keyset (`after=` the row before the last page, what a client
following `next` links sends). Median of 3 runs each.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time

from registry.store.query import Registry, format_cursor


def timed(call, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--sorts", default="id,capacity_mw,name")
    args = parser.parse_args(argv)
    with Registry(args.db) as registry:
        n = registry.count()
        print(f"| sort | rows | OFFSET 9,900 | OFFSET {n - 100:,} (refused now) | keyset at row {n - 100:,} |")
        print("|---|---:|---:|---:|---:|")
        for sort in args.sorts.split(","):
            before_last = registry.projects(sort=sort, limit=1, offset=n - 101)[0]
            cursor = (before_last[sort], before_last["id"]) if sort != "id" else (before_last["id"],) * 2
            shallow = timed(lambda: registry.projects(sort=sort, limit=100, offset=9_900))
            deep = timed(lambda: registry.projects(sort=sort, limit=100, offset=n - 100))
            keyset_rows = registry.projects(sort=sort, limit=100, after=cursor)
            deep_rows = registry.projects(sort=sort, limit=100, offset=n - 100)
            if keyset_rows != deep_rows:
                raise SystemExit(f"keyset and OFFSET pages differ for sort={sort} (cursor {format_cursor(before_last, sort)})")
            keyset = timed(lambda: registry.projects(sort=sort, limit=100, after=cursor))
            print(f"| {sort} | {n:,} | {shallow * 1000:.0f} ms | {deep * 1000:.0f} ms | {keyset * 1000:.0f} ms |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
