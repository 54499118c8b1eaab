"""What the web app's content codings and export cache give: bytes sent with gzip and brotli, and the time
of a first (streamed, cached as it goes) and a second (from the cache file) download.

    python benchmarks/compression.py [--db registry.db]

In-process (Flask's test client, no network): the medians of 3 runs, with the load average.
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time


def median_ms(call, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="registry.db")
    args = parser.parse_args(argv)
    from webmap import create_app

    with tempfile.TemporaryDirectory() as cache:
        client = create_app({"REGISTRY_DB": args.db, "TESTING": True, "REGISTRY_EXPORT_CACHE": cache}).test_client()
        print(f"load average {os.getloadavg()[0]:.1f}")
        print("| URL | identity bytes | gzip bytes (ms) | br bytes (ms) |\n|---|---|---|---|")
        for url in ("/export.geojson", "/export.csv", "/api/projects?per_page=1000"):
            cells = [url, f"{len(client.get(url).data):,}"]
            for coding in ("gzip", "br"):
                size = len(client.get(url, headers={"Accept-Encoding": coding}).data)
                ms = median_ms(lambda: client.get(url, headers={"Accept-Encoding": coding}).data)
                cells.append(f"{size:,} ({ms:.0f})")
            print("| " + " | ".join(cells) + " |")
        url = "/export.geojson?type=solar_pv"
        first = median_ms(lambda: (client.get(url + f"&fresh={time.perf_counter_ns()}").data,
                                   [os.remove(e.path) for e in os.scandir(cache)]))
        client.get(url).data
        again = median_ms(lambda: client.get(url).data)
        print(f"\n{url}: first download (streamed, kept) {first:.0f} ms, again (from the cache file) {again:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
