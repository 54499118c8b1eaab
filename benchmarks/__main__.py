"""Every benchmark whose figures the README, the manual and benchmarks/*.md quote, one after another, in one
command; then the README's and the manual's generated figures (cog):

    python -m benchmarks [--only NAME ...] [--list]

Each benchmark's output goes to benchmarks/results/NAME.md with the command, the tree's revision, the
start time, the wall time and the 1-minute load average before and after (the machine is shared: a
figure measured under load is an upper bound). Benchmarks that write a Markdown file of their own
(scale.py, extract_scaling.py, extract_groups.py) write it too. Run it on a quiet machine; it takes
about an hour on two cores (map_browser alone about 25 minutes: it builds two registries of 1,000,000).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"

# name, command (run from the source tree's root with this Python), what it measures
BENCHMARKS = [
    ("extract_groups", ["benchmarks/extract_groups.py", "--baseline", "ceef87b", "--baseline", "38cc384",
                        "--baseline", "737b0fb", "-o", "benchmarks/EXTRACT_GROUPS.md"],
     "extraction by group of plans, against earlier extractors"),
    ("extract_recall", ["benchmarks/extract_recall.py"], "extraction per plan, paragraph, development and unseen plan"),
    ("target_recall", ["benchmarks/target_recall.py"], "targets per plan"),
    ("recall_net", ["benchmarks/recall_net.py"], "the possible projects of review"),
    ("extract_scaling", ["benchmarks/extract_scaling.py", "--memory", "--results", "benchmarks/EXTRACT_SCALING.md"],
     "the time and memory of registry add-plan as the plan doubles"),
    ("map_browser", ["-m", "benchmarks.map_browser", "-n", "100000", "-n", "1000000", "--runs", "9", "--baseline"],
     "the map at 100,000 and 1,000,000 projects, painted, and the server's memory, beside a42277f"),
    ("map_shipped", ["-m", "benchmarks.map_browser", "--db", "registry.db", "--runs", "3"], "the map of the shipped registry"),
    ("basemap", ["benchmarks/basemap.py", "--runs", "3"], "what the offline basemap costs"),
    ("targets_page", ["benchmarks/targets_page.py", "--runs", "3"], "/targets, its API and the plan areas"),
    ("slow_clients", ["benchmarks/slow_clients.py", "--runs", "3", "--baseline"],
     "ordinary requests to the production server while 1,000 clients trickle their headers; 16 MB URLs"),
    ("load", ["benchmarks/load.py", "--runs", "3", "--duration", "10"],
     "200 concurrent clients against the production command, beside gunicorn alone"),
    ("add_plan_limits", ["benchmarks/add_plan_limits.py", "--runs", "3"],
     "how fast and in how much memory add-plan refuses a 200 MB text, a DOCX bomb and a trickling URL"),
    ("compression", ["benchmarks/compression.py", "--db", "registry.db"],
     "bytes sent with gzip and brotli; a first and a cached download"),
    ("place_picker", ["-m", "benchmarks.place_picker", "-n", "100000"],
     "the map page's HTML and /api/places per keystroke at 100,000 projects"),
    ("geocode_speed", ["benchmarks/geocode_speed.py", "--runs", "3"], "the gazetteer's load and geocoding the registry"),
    ("pdf_roundtrip", ["benchmarks/pdf_roundtrip.py", *(f"plans/{name}.txt" for name in (
        "xiangyang_420600", "shiyan_420300", "xiaogan_420900", "jinshi_430781", "linxiang_430682"))],
     "how faithfully add-plan reads the five city and county plans printed to PDF"),
    ("scale", ["benchmarks/scale.py", "-n", "100000", "--results", "benchmarks/RESULTS.md"],
     "100,000 projects beside Datasette"),
    ("build", ["-m", "benchmarks.build", "--sizes", "10000,100000,1000000", "--runs", "5", "--baseline", "a42277f"],
     "`registry build` against the sqlite3 executemany + FTS5 floor: time and peak memory, 10,000 to 1,000,000 projects"),
    ("exports", ["benchmarks/exports.py", "-n", "100000", "--runs", "3"],
     "each `registry export` format beside its floor (the bare library on the same rows) and the CLI's start-up"),
    ("exports_1m", ["benchmarks/exports.py", "-n", "1000000", "--runs", "3", "--formats", "csv,geojson"],
     "the streamed formats at 1,000,000 projects beside their floors (Excel, GeoPackage and KML: see exports)"),
    ("memory", ["-m", "benchmarks.memory", "--work", "/tmp/registry-membench", "--sizes", "10000,100000,1000000"],
     "peak memory of `registry export` from 10,000 to 1,000,000 projects"),
]


# Every page whose figures are cog blocks quoting benchmarks/results/ (benchmarks/quote.py).
QUOTING_PAGES = sorted(str(p.relative_to(ROOT)) for folder in ("docs/manual", "benchmarks") for p in (ROOT / folder).glob("*.md")
                       if "[[[cog" in p.read_text(encoding="utf-8"))


def run(name: str, command: list[str], what: str) -> bool:
    RESULTS.mkdir(exist_ok=True)
    load_before, started, clock = os.getloadavg()[0], time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), time.perf_counter()
    print(f"== {name}: python {' '.join(command)}", flush=True)
    # The console scripts some benchmarks start (gunicorn, datasette, sqlite-utils) are this Python's, as in an
    # activated virtual environment.
    env = dict(os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    done = subprocess.run([sys.executable, *command], cwd=ROOT, capture_output=True, text=True, env=env)
    seconds, load_after = time.perf_counter() - clock, os.getloadavg()[0]
    revision = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True).stdout.strip() or "unknown"
    status = "" if done.returncode == 0 else f" **It failed (exit status {done.returncode}).**"
    (RESULTS / f"{name}.md").write_text(
        f"# {name}: {what}\n\nWritten by `python -m benchmarks --only {name}`, which ran `python {' '.join(command)}` "
        f"at {started} on tree {revision}: {seconds:.0f} s, load average {load_before:.2f} before and "
        f"{load_after:.2f} after, {os.cpu_count()} CPUs.{status}\n\n```\n{done.stdout.rstrip()}\n```\n"
        + (f"\nstderr:\n\n```\n{done.stderr.strip()[-3000:]}\n```\n" if done.returncode else ""), encoding="utf-8")
    print(f"   {seconds:.0f} s, load {load_before:.2f} -> {load_after:.2f}"
          + ("" if done.returncode == 0 else f"; FAILED: {done.stderr.strip().splitlines()[-1:]}"), flush=True)
    return done.returncode == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", metavar="NAME", help="run only this benchmark (repeat for several)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and their commands")
    args = parser.parse_args(argv)
    chosen = [b for b in BENCHMARKS if not args.only or b[0] in args.only]
    unknown = set(args.only or []) - {b[0] for b in BENCHMARKS}
    if unknown:
        parser.error(f"unknown benchmark {', '.join(sorted(unknown))}; --list shows them")
    if args.list:
        for name, command, what in BENCHMARKS:
            print(f"{name:16s} python {' '.join(command)}\n{'':16s} {what}")
        return 0
    if any(name in ("map_shipped", "compression") for name, _, _ in chosen):
        # The shipped registry's database, as `registry build` makes it (map_shipped serves it).
        build = subprocess.run([sys.executable, "-c", "from registry.cli import main; main()", "build"], cwd=ROOT,
                               capture_output=True, text=True)
        if build.returncode:
            print(f"registry build failed: {build.stderr.strip()}", file=sys.stderr)
            return 1
    failed = [name for name, command, what in chosen if not run(name, command, what)]
    cog = subprocess.run([str(Path(sys.executable).with_name("cog")), "-r", "README.md", *QUOTING_PAGES],
                         cwd=ROOT, capture_output=True, text=True)
    print("cog -r README.md docs/manual/*.md benchmarks/*.md:", "done" if cog.returncode == 0 else cog.stderr.strip())
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed or cog.returncode else 0


if __name__ == "__main__":
    sys.exit(main())
