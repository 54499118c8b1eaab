"""Geocoding speed: gazetteer load time and whole-registry geocode time, with a baseline.

    python benchmarks/geocode_speed.py [projects.csv]

Targets (issue 4): load < 1 s; geocoding the whole registry < 2 s once loaded. The baseline
is a plain dict lookup per row (county name -> point) measured in the same process, so the
ratio says what the real resolution costs on this machine, whatever its speed.
"""
from __future__ import annotations

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
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "projects.csv"
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
    per_row_us = geocode_s / len(rows) * 1e6
    print(f"rows: {len(rows)} ({label})")
    print(f"import registry.geo.geocode: {import_s:.3f} s")
    print(f"gazetteer load: {load_s:.3f} s (target < 1 s)")
    print(f"geocode all rows: {geocode_s:.3f} s (target < 2 s), {per_row_us:.0f} us/row")
    print(f"baseline dict lookup: {baseline_s * 1e6 / len(rows):.2f} us/row; geocode/baseline ratio: {geocode_s / baseline_s:.0f}x")
    print(f"parse every county polygon of China ({len(parsed)}, once, on demand): {parse_all_s:.3f} s")
    print("precision: " + ", ".join(f"{k} {v}" for k, v in sorted(precisions.items())))
    ok = load_s < 1 and geocode_s < 2
    print(f"summary: load {load_s:.2f} s, geocode {geocode_s:.2f} s for {len(rows)} rows -> {'PASS' if ok else 'FAIL'}")


if __name__ == "__main__":
    main()
