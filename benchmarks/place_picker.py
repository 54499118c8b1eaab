"""What the filter's place pickers cost: the map page's HTML (bytes, <option>s) and /api/places per keystroke.

    python -m benchmarks.place_picker -n 100000 [--runs 5]     # a synthetic registry, built in a temp folder
    python -m benchmarks.place_picker --db registry.db         # or any registry file

Flask's test client (no network, no browser): the server's side of what a planner waits for.
Prints the page's size and <option> count, and the median time of /api/places for queries a
planner types (a character, pinyin, initials, a county within a province). The first request
of a process computes every place name's pinyin once (cached); it is reported apart.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from webmap import create_app  # noqa: E402

QUERIES = (("county", {"q": "襄"}), ("county", {"q": "xiang"}), ("county", {"q": "xz"}), ("county", {"q": ""}),
           ("city", {"q": "xiangyang"}), ("county", {"q": "", "province": "湖北省"}), ("province", {"q": "hb"}))


def timed_ms(action) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--db", type=Path)
    source.add_argument("-n", type=int, help="build a synthetic registry of n projects (benchmarks/synthetic.py)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    if args.n:
        import tempfile

        from benchmarks.map_browser import build_registry

        work = Path(tempfile.mkdtemp(prefix="place-picker-"))
        args.db, _seconds = build_registry(args.n, work)
    client = create_app({"REGISTRY_DB": str(args.db), "REGISTRY_TILES": "none"}).test_client()
    first = timed_ms(lambda: client.get("/api/places?level=county&q=x"))
    html = client.get("/").get_data()
    print(f"load average {os.getloadavg()[0]:.2f}; {args.db}")
    print(f"/ : {len(html) / 1024:.0f} KB of HTML, {html.count(b'<option')} <option>s")
    print(f"/api/places first request (pinyin of every place computed): {first:.0f} ms")
    for level, params in QUERIES:
        body = client.get("/api/places", query_string={"level": level, **params}).get_json()
        times = [timed_ms(lambda: client.get("/api/places", query_string={"level": level, **params}))
                 for _ in range(args.runs)]
        print(f"/api/places level={level} {params}: median {statistics.median(times):.1f} ms of {args.runs}, "
              f"{body['total']} places ({len(body['places'])} sent)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
