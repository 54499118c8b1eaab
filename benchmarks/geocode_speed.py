"""Geocoding speed: gazetteer load time and whole-registry geocode time, with a baseline.

    python benchmarks/geocode_speed.py [--runs 3] [projects.csv]

Each run is a fresh Python process (imports and the gazetteer's load are what a command pays); the
figures are the medians of the runs.

Targets (issue 4): load < 1 s; geocoding the whole registry < 2 s once loaded. The baseline
is a plain dict lookup per row (county name -> point) measured in the same process, so the
ratio says what the real resolution costs on this machine, whatever its speed.
"""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

t0 = time.perf_counter()
from registry.geo.geocode import Gazetteer, geocode_rows  # noqa: E402
from registry.rows.schema import read_csv_table  # noqa: E402

import_s = time.perf_counter() - t0


def registry_rows(path: Path) -> tuple[list[dict], str]:
    if path.exists():
        return read_csv_table(path).rows, str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    # Until projects.csv exists: the fixture rows, repeated to a registry-like size.
    rows = read_csv_table(ROOT / "tests" / "fixtures" / "sample_projects.csv").rows
    return [dict(r, id=f"{r['id']}-{i}") for i in range(100) for r in rows], "tests/fixtures/sample_projects.csv x100"


def main() -> None:
    args = sys.argv[1:]
    runs = int(args[args.index("--runs") + 1]) if "--runs" in args else 3
    args = [a for i, a in enumerate(args) if a != "--runs" and (i == 0 or args[i - 1] != "--runs")]
    if "--one" not in args:
        return report_median(runs, args)
    args.remove("--one")
    path = Path(args[0]) if args else ROOT / "projects.csv"
    start = time.perf_counter()
    gaz = Gazetteer.load()
    load_s = time.perf_counter() - start
    rows, label = registry_rows(path)

    start = time.perf_counter()
    results = geocode_rows(rows, gaz)
    geocode_s = time.perf_counter() - start

    # Baseline: the cheapest conceivable geocoder, a dict from county name to its point.
    points = {c.name: c.point for c in gaz.counties.values()}
    start = time.perf_counter()
    for _ in range(20):
        baseline = [points.get(r.get("county") or "", (0.0, 0.0)) for r in rows]
    baseline_s = (time.perf_counter() - start) / 20
    assert len(baseline) == len(results)

    # The gazetteer is national but parses a county's polygon only on first use: what a
    # registry of all of China would pay once for every polygon (not part of the load above).
    start = time.perf_counter()
    parsed = [county.geometry for county in gaz.counties.values()]
    parse_all_s = time.perf_counter() - start

    precisions: dict[str, int] = {}
    for r in results:
        precisions[r["precision"] or "none"] = precisions.get(r["precision"] or "none", 0) + 1
    print(json.dumps({"rows": len(rows), "label": label, "import_s": import_s, "load_s": load_s, "geocode_s": geocode_s,
                      "baseline_s": baseline_s, "parsed": len(parsed), "parse_all_s": parse_all_s,
                      "precisions": precisions}))


def report_median(runs: int, args: list[str]) -> None:
    """Run the measurement `runs` times, each in a fresh process, and print the medians."""
    import os

    print(f"load average at start: {os.getloadavg()[0]:.2f}; {runs} runs, each a fresh process")
    done = [json.loads(subprocess.run([sys.executable, __file__, "--one", *args], check=True, capture_output=True,
                                      text=True).stdout.strip().splitlines()[-1]) for _ in range(runs)]

    def med(key: str) -> float:
        return statistics.median(d[key] for d in done)

    rows, load_s, geocode_s = done[0]["rows"], med("load_s"), med("geocode_s")
    print(f"rows: {rows} ({done[0]['label']})")
    print(f"import registry.geo.geocode: {med('import_s'):.3f} s")
    print(f"gazetteer load: {load_s:.3f} s (target < 1 s)")
    print(f"geocode all rows: {geocode_s:.3f} s (target < 2 s), {geocode_s / rows * 1e6:.0f} us/row")
    print(f"baseline dict lookup: {med('baseline_s') * 1e6 / rows:.2f} us/row; geocode/baseline ratio: "
          f"{geocode_s / med('baseline_s'):.0f}x")
    print(f"parse every county polygon of China ({done[0]['parsed']}, once, on demand): {med('parse_all_s'):.3f} s")
    print("precision: " + ", ".join(f"{k} {v}" for k, v in sorted(done[0]["precisions"].items())))
    ok = load_s < 1 and geocode_s < 2
    print(f"summary: medians of {runs}: load {load_s:.2f} s, geocode {geocode_s:.2f} s for {rows} rows -> "
          f"{'PASS' if ok else 'FAIL'}; load average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
