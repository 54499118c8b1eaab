"""What the target comparison costs: `/targets` in headless Chromium, its API, and the plan areas at build.

    python benchmarks/targets_page.py [--runs 5]

1. Plan areas: the time `registry build` spends dissolving the areas of the registry's provincial plans
   (plans/documents.csv), in a fresh process each run (the gazetteer's load included).
2. The page: /targets?indicator=non_fossil_share&year=2025 on the registry of tests/compare_registry.py
   (the shipped plans plus provincial, city, county and national plans), each run a cold load in a
   fresh browser context with every other host blocked: bytes delivered (gzipped where the app
   gzips), ms from navigation to the areas drawn (the page's `areas-drawn` mark) and to
   `data-map-state=ready` (the areas and the basemap's view drawn) plus two animation frames: painted.
3. The API behind it: server time of /api/targets/compare and its .geojson on a real server.
Medians are printed with the machine's load average.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from benchmarks.basemap import ARGS, CHROMIUM  # noqa: E402
from benchmarks.servers import serving  # noqa: E402
from benchmarks.offline import counting_page, painted_at  # noqa: E402

def _province_codes() -> list[str]:
    """The provincial plans of the registry (plans/documents.csv): codes ending in 0000, the nation's apart."""
    import csv

    with open(ROOT / "plans" / "documents.csv", newline="", encoding="utf-8") as handle:
        codes = [row["city_code"] for row in csv.DictReader(handle)]
    return [c for c in codes if c.endswith("0000") and c != "100000"]


PROVINCES = _province_codes()
QUERY = "/targets?indicator=non_fossil_share&year=2025"
DISSOLVE = ("import time, sys; t = time.perf_counter(); from registry.geo.plan_areas import dissolved_area; "
            "areas = [dissolved_area(c) for c in sys.argv[1:]]; "
            "print(time.perf_counter() - t, sum(len(a['geojson']) for a in areas))")


def dissolve_runs(runs: int) -> tuple[list[float], int]:
    times, size = [], 0
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-c", DISSOLVE, *PROVINCES], capture_output=True, text=True, check=True,
                              cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
        seconds, size = done.stdout.split()
        times.append(float(seconds))
    return times, int(size)


def page_runs(browser, base_url: str, runs: int) -> tuple[list[int], list[float], list[float]]:
    sizes, times, areas = [], [], []
    for _ in range(runs):
        context, page, delivered = counting_page(browser, base_url)
        page.goto(base_url + QUERY)
        page.wait_for_function("() => document.body.dataset.mapState === 'ready'", timeout=30_000)
        times.append(painted_at(page))
        areas.append(page.evaluate("performance.getEntriesByName('areas-drawn')[0].startTime"))
        page.wait_for_timeout(200)
        sizes.append(sum(delivered))
        context.close()
    return sizes, times, areas


def api_runs(base_url: str, runs: int) -> dict[str, list[float]]:
    import requests

    timings = {}
    for path in ("/api/targets/compare", "/api/targets/compare.geojson"):
        url = f"{base_url}{path}?indicator=non_fossil_share&year=2025"
        requests.get(url, timeout=30)
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            requests.get(url, timeout=30, headers={"Accept-Encoding": "gzip"}).raise_for_status()
            samples.append((time.perf_counter() - start) * 1000)
        timings[path] = samples
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from compare_registry import make_registry
    from webmap import create_app

    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    seconds, size = dissolve_runs(max(3, options.runs))
    print(f"plan areas of {len(PROVINCES)} provinces: median {statistics.median(seconds):.2f} s "
          f"(runs {', '.join(f'{s:.2f}' for s in seconds)}), {size / 1024:.0f} KiB of GeoJSON")
    with tempfile.TemporaryDirectory() as tmp:
        db = make_registry(Path(tmp) / "levelled")
        app = create_app({"REGISTRY_DB": str(db), "REGISTRY_TILES": "none"})
        with serving(app, quiet=True) as base_url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            sizes, times, areas = page_runs(browser, base_url, options.runs)
            browser.close()
            print(f"{QUERY}: areas drawn in median {statistics.median(areas):.0f} ms "
                  f"(runs {', '.join(f'{t:.0f}' for t in areas)}); ready with the basemap in median "
                  f"{statistics.median(times):.0f} ms "
                  f"(runs {', '.join(f'{t:.0f}' for t in times)}), {statistics.median(sizes) / 1024:.0f} KiB delivered")
            for path, samples in api_runs(base_url, max(20, options.runs)).items():
                print(f"{path}: median {statistics.median(samples):.1f} ms over {len(samples)} requests")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
