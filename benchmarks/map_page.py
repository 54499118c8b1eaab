"""Server-side render time of the map page `/`, with Flask's test client (no network, no browser).

    python benchmarks/map_page.py [--db registry.db] [--runs 30]

Prints one line per figure (median of N runs) and a closing summary against the
300 ms target. The baseline, measured in the same process, is a bare
`folium.Map()` rendered to HTML: the cost of Folium itself, which the page
cannot go below.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import folium  # noqa: E402

from registry.store.store import DEFAULT_DB  # noqa: E402
from webmap import create_app  # noqa: E402

TARGET_MS = 300.0


def median_ms(action, runs: int) -> float:
    action()  # warm-up: templates compiled, caches filled
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(DEFAULT_DB), help="registry database (default: registry.db)")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args(argv)
    if not Path(args.db).is_file():
        parser.error(f"no registry database at {args.db}; run `registry build` first")

    client = create_app({"REGISTRY_DB": args.db, "REGISTRY_TILES": "osm"}).test_client()

    def get(url: str):
        def fetch():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response
        return fetch

    total = client.get("/api/facets").get_json()["total"]["count"]
    first_type = client.get("/api/facets").get_json()["type"][0]["value"]
    figures = [
        ("baseline: bare folium.Map() to HTML", median_ms(lambda: folium.Map().get_root().render(), args.runs), None),
        (f"map page /, all {total} projects", median_ms(get("/"), args.runs), len(get("/")().data)),
        (f"map page /?type={first_type}", median_ms(get(f"/?type={first_type}"), args.runs), None),
        ("map page /?q=大悟 (two-character scan)", median_ms(get("/?q=大悟"), args.runs), None),
        ("map data /api/map.json, all projects", median_ms(get("/api/map.json"), args.runs),
         len(get("/api/map.json")().data)),
    ]
    for label, ms, size in figures:
        print(f"{label:<48} {ms:8.1f} ms" + (f"  ({size / 1024:.0f} KiB)" if size else ""))
    all_ms = figures[1][1]
    verdict = "OK" if all_ms < TARGET_MS else "SLOW"
    print(f"summary: map page for all {total} projects {all_ms:.1f} ms (median of {args.runs}) "
          f"vs target {TARGET_MS:.0f} ms -> {verdict}; Folium baseline {figures[0][1]:.1f} ms")
    return 0 if all_ms < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
