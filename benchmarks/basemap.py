"""What the offline basemap costs: page weight and time to first draw of `/` in headless Chromium,
with the basemap on and off, in the same run; and the basemap's bytes per zoom band.

    python benchmarks/basemap.py [--db registry.db] [--runs 5]

Each run opens `/` in a fresh browser context (empty cache) with every request to another
host blocked, counts the bytes the network delivered (encoded, i.e. gzipped where the app
gzips) and times navigation start → the projects drawn (`#drawn-count` filled), → the page
ready (`data-map-state=ready`: the view's projects drawn; the basemap is not waited for) and →
everything drawn (with the basemap on, its view too: the map container's `data-basemap=ready`),
each moment taken two animation frames after the state is set: painted, as a planner sees it.
Medians are printed, then the ratio.
"""
from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.offline import counting_page, painted_at  # noqa: E402
from benchmarks.servers import serving  # noqa: E402
from registry.store.store import build  # noqa: E402
from webmap import create_app  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
DEFAULT_VIEW = (30.9, 112.3)


def load_once(browser, base_url: str) -> tuple[int, float, int, float]:
    """(bytes delivered, ms to the page ready, requests, ms to the projects drawn, ms to the basemap drawn)
    for one cold load of `/`."""
    context, page, delivered = counting_page(browser, base_url)
    page.goto(base_url + "/")
    # map.js writes the count once it has drawn the projects, and sets mapState once the view is
    # fitted and (when on) the basemap of that view drawn.
    page.wait_for_function("() => document.getElementById('drawn-count').dataset.drawn !== ''")
    projects = painted_at(page)
    page.wait_for_function("() => document.body.dataset.mapState === 'ready'")
    elapsed = painted_at(page)
    # "ready" is the projects' view; the basemap (background, started after it) marks its own view
    # drawn on the map's container. With the basemap off there is nothing more to wait for.
    page.wait_for_function("() => !JSON.parse(document.getElementById('map-config').textContent).basemap || "
                           "document.querySelector('.leaflet-container').dataset.basemap === 'ready'")
    basemap = painted_at(page)
    page.wait_for_timeout(100)  # let the last loadingFinished events arrive
    context.close()
    return sum(delivered), elapsed, len(delivered), projects, basemap


def band_bytes(app) -> list[tuple[str, int, int, int, int, int]]:
    """Per band: cells, GeoJSON bytes, gzipped bytes, largest cell gzipped, the default view's cells gzipped."""
    from webmap import basemap

    with app.test_request_context():
        config = basemap.frame_config()
    rows = []
    for band in config["bands"]:
        cells = basemap.band_cells(band["name"])
        size = band["cellDeg"]
        # The cells a 1120×856 px map at the band's first zoom shows around the default centre.
        half_w, half_h = 560 * 360 / (256 * 2 ** band["minZoom"]), 428 * 360 / (256 * 2 ** band["minZoom"])
        if size is None:
            view = {"0/0"}
        else:
            lat, lon = DEFAULT_VIEW
            view = {f"{cx}/{cy}" for cx in range(math.floor((lon - half_w) / size), math.floor((lon + half_w) / size) + 1)
                    for cy in range(math.floor((lat - half_h) / size), math.floor((lat + half_h) / size) + 1)}
        rows.append((band["name"], len(cells), sum(len(c[0]) for c in cells.values()),
                     sum(len(c[1]) for c in cells.values()), max(len(c[1]) for c in cells.values()),
                     sum(len(cells[k][1]) for k in view if k in cells)))
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=None, help="registry database (default: built from projects.csv)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or str(Path(tmp) / "registry.db")
        if args.db is None:
            build(ROOT / "projects.csv", Path(db))
        if not Path(db).is_file():
            parser.error(f"no registry database at {db}; run `registry build` first")
        apps = {"basemap on": create_app({"REGISTRY_DB": db}),
                "basemap off": create_app({"REGISTRY_DB": db, "REGISTRY_BASEMAP": "off"})}
        from playwright.sync_api import sync_playwright

        results, runs = {}, {name: [] for name in apps}
        with sync_playwright() as playwright, serving(apps["basemap on"], quiet=True) as on_url, \
                serving(apps["basemap off"], quiet=True) as off_url:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            urls = {"basemap on": on_url, "basemap off": off_url}
            for name, url in urls.items():
                load_once(browser, url)  # warm-up: server caches filled
            for _ in range(args.runs):  # alternating, so that both see the same machine load
                for name, url in urls.items():
                    runs[name].append(load_once(browser, url))
            browser.close()
        for name, measured in runs.items():
            results[name] = tuple(statistics.median(r[i] for r in measured) for i in range(5))
        total = apps["basemap on"].test_client().get("/api/facets").get_json()["total"]["count"]
        print(f"/ at {total} projects, 1440x900, cold cache, median of {args.runs} runs")
        for name, (weight, ms, requests, projects, basemap) in results.items():
            print(f"  {name:12s} {weight / 1024:8.1f} KiB delivered in {requests:3.0f} requests; projects drawn at "
                  f"{projects:5.0f} ms, page ready (the view's projects painted) at {ms:5.0f} ms, "
                  f"everything incl. the basemap's view at {basemap:5.0f} ms")
        on, off = results["basemap on"], results["basemap off"]
        print(f"  ratio on/off: weight {on[0] / off[0]:.2f}x, projects drawn {on[3] / off[3]:.2f}x, "
              f"page ready {on[1] / off[1]:.2f}x, everything drawn {on[4] / off[4]:.2f}x")
        print("basemap bytes per zoom band (all of China; the default view's cells at the band's first zoom)")
        print(f"  {'band':7s} {'cells':>5s} {'GeoJSON':>10s} {'gzipped':>10s} {'max cell gz':>11s} {'view gz':>9s}")
        for band, cells, raw, zipped, largest, view in band_bytes(apps["basemap on"]):
            print(f"  {band:7s} {cells:5d} {raw / 1024:8.0f} K {zipped / 1024:8.0f} K {largest / 1024:9.1f} K {view / 1024:7.1f} K")
    return 0


if __name__ == "__main__":
    sys.exit(main())
