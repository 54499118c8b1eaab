"""Every export format against its floor, and the CLI's start-up, measured from outside.

    python benchmarks/exports.py -n 100000,1000000 --runs 3 [--formats csv,xlsx] [--keep DIR]

For each size N it builds a synthetic registry (benchmarks/synthetic.py, then `registry build`), then for
every format `registry export --format F` offers it runs, back to back in each round, the export as a child
process (`registry export --format F --db … -o FILE`) and its floor: the bare library writing the same rows,
read with plain sqlite3 from the same registry.db, in a child process of its own:

- csv: the `csv` module's writerows over the cursor (projects.csv's columns);
- geojson: the stored Feature texts (`feature_geojson`) joined into one FeatureCollection;
- xlsx: xlsxwriter in constant_memory mode, write_row of every column (strings never made formulas or links);
- gpkg: pyogrio.raw.write of the same attributes and geometries (shapely from the stored GeoJSON), one layer
  per geometry kind; kml: the same, the located projects in one KML layer.

Other libraries that write a format at flat memory run in the same rounds, against the same floor (XLSX:
openpyxl's write-only mode, the export's library before xlsxwriter), so the table says which is fastest; up to
100,000 projects.

Each figure is the median of --runs rounds: wall time, and peak RSS of the whole child (os.wait4 ru_maxrss);
the ratios are export / floor. The CPU ratio (user + system seconds of each child, medians) is the one a
shared machine disturbs least: under load a child's wall time is mostly its wait for a core. Start-up: `python -c pass` (the interpreter's floor), `registry --help`,
`registry export` of a filter that keeps no row (every format), and the time to the first byte on standard
output of a streamed export (csv, geojson) of every row. The 1-minute load average is printed before and after
each size: the machine is shared, and a figure measured under load is an upper bound (ratios, taken back to
back, travel better than seconds). `--keep DIR` keeps the synthetic registries there for the next run.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("csv", "geojson", "xlsx", "gpkg", "kml")
CLI = "from registry.cli import main; main()"  # `registry ARGS`, the console script's entry point
NOTHING = "不存在的项目名称zz"  # a search no project matches: an export of no rows is the command's start-up

# The floors: plain sqlite3 and the bare library, no registry code. argv: database, output, columns (comma-separated).
FLOORS = {
    "csv": """
import csv, sqlite3, sys
db, out, columns = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
conn = sqlite3.connect(db)
with open(out, "w", encoding="utf-8", newline="") as handle:
    writer = csv.writer(handle, lineterminator="\\n")
    writer.writerow(columns)
    writer.writerows(conn.execute(f"SELECT {', '.join(columns)} FROM projects ORDER BY id"))
""",
    "geojson": """
import sqlite3, sys
db, out = sys.argv[1], sys.argv[2]
conn = sqlite3.connect(db)
with open(out, "w", encoding="utf-8") as handle:
    handle.write('{"type":"FeatureCollection","features":[')
    first = True
    for (feature,) in conn.execute("SELECT feature_geojson FROM projects ORDER BY id"):
        handle.write(feature if first else "," + feature)
        first = False
    handle.write("]}\\n")
""",
    "xlsx": """
import sqlite3, sys
import xlsxwriter
db, out, columns = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
conn = sqlite3.connect(db)
book = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                 "strings_to_numbers": False})
sheet = book.add_worksheet("Projects")
sheet.write_row(0, 0, columns)
for index, row in enumerate(conn.execute(f"SELECT {', '.join(columns)} FROM projects ORDER BY id"), 1):
    sheet.write_row(index, 0, row)
book.close()
""",
    "gpkg": """
import sqlite3, sys
import numpy, pyogrio.raw, shapely
db, out, columns = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
kml = out.endswith(".kml")
conn = sqlite3.connect(db)
rows = conn.execute(f"SELECT {', '.join(columns)}, geometry FROM projects ORDER BY id").fetchall()
geometry = shapely.from_geojson(numpy.array([r[-1] for r in rows], dtype=object))
kinds = shapely.get_type_id(geometry)
numbers = {"capacity_mw", "voltage_kv", "target_year", "source_start", "source_end"}
fields = [numpy.array([numpy.nan if r[i] is None else r[i] for r in rows], dtype=float) if c in numbers
          else numpy.array([r[i] for r in rows], dtype=object) for i, c in enumerate(columns)]
layers = [("projects", kinds >= 0, None)] if kml else [
    ("projects_points", kinds == 0, "Point"), ("projects_lines", numpy.isin(kinds, (1, 5)), "MultiLineString")]
for layer, keep, geometry_type in layers:
    pyogrio.raw.write(out, shapely.to_wkb(geometry[keep]), [f[keep] for f in fields], columns, layer=layer,
                      driver="KML" if kml else "GPKG", geometry_type=geometry_type or "Unknown", crs="EPSG:4326",
                      encoding="UTF-8", promote_to_multi=not kml and geometry_type.startswith("Multi"),
                      append=not kml and layer != "projects_points")
""",
}
FLOORS["kml"] = FLOORS["gpkg"]
# Other libraries that write the same format at flat memory, run in the same rounds: which one is the floor.
# Compared up to 100,000 projects (at 1,000,000 openpyxl alone would add half an hour).
OTHER_LIBRARIES_UP_TO = 100_000
OTHER_LIBRARIES = {"xlsx": [("openpyxl write-only (the export's library before xlsxwriter)", """
import sqlite3, sys
from openpyxl import Workbook
db, out, columns = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
conn = sqlite3.connect(db)
book = Workbook(write_only=True)
sheet = book.create_sheet("Projects")
sheet.append(columns)
for row in conn.execute(f"SELECT {', '.join(columns)} FROM projects ORDER BY id"):
    sheet.append(row)
book.save(out)
""")]}
FLOOR_NAMES = {"csv": "csv module", "geojson": "joined feature_geojson", "xlsx": "xlsxwriter constant_memory",
               "gpkg": "pyogrio.raw.write", "kml": "pyogrio.raw.write"}


def env() -> dict:
    return dict(os.environ, PYTHONPATH=str(ROOT))


def run(argv: list[str]) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MB) and CPU seconds (user + system) of a child process (its rusage, from wait4)."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env())
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    err = child.stderr.read().decode(errors="replace")
    child.stderr.close()
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{' '.join(argv[2:6])} failed: {err.strip()[-1500:]}")
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def first_byte(argv: list[str]) -> float:
    """Seconds from starting a child to the first byte on its standard output (the rest is read and dropped)."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env())
    child.stdout.read(1)
    seconds = time.perf_counter() - started
    while child.stdout.read(1 << 20):
        pass
    child.stdout.close()
    if child.wait():
        raise SystemExit(f"{' '.join(argv[2:6])} failed with status {child.returncode}")
    return seconds


def _importable(code: str) -> bool:
    """Whether the library a script imports is installed (openpyxl is a test dependency only)."""
    import importlib.util

    library = code.split("from ", 1)[1].split()[0] if "from " in code else "xlsxwriter"
    return importlib.util.find_spec(library) is not None


def make_registry(n: int, folder: Path) -> Path:
    db = folder / f"registry-{n}.db"
    if db.is_file():
        return db
    csv_path = folder / f"projects-{n}.csv"
    subprocess.run([sys.executable, "-m", "benchmarks.synthetic", "-n", str(n), "-o", str(csv_path)], check=True,
                   cwd=ROOT, env=env(), stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, "-c", CLI, "build", "--csv", str(csv_path), "--db", str(db)], check=True,
                   cwd=ROOT, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return db


def load() -> str:
    return f"{os.getloadavg()[0]:.2f}"


def measure_size(n: int, db: Path, formats: list[str], runs: int, work: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from registry.rows.schema import PROJECT_COLUMNS, RECORD_COLUMNS

    py = sys.executable
    print(f"\n**{n:,} projects**: each format beside its floor, load average {load()} before; medians of {runs} "
          f"rounds; ratio = export / floor.\n")
    print("| format | export s | floor s | time ratio | CPU ratio | export peak MB | floor peak MB | memory ratio |"
          " file MB | floor |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for fmt in formats:
        out, floor_out = work / f"export.{fmt}", work / f"floor.{fmt}"
        columns = PROJECT_COLUMNS if fmt == "csv" else RECORD_COLUMNS
        if fmt in ("gpkg", "kml"):  # the geometry carries the coordinates
            columns = tuple(c for c in RECORD_COLUMNS if c not in ("lon", "lat", "geometry_wkt"))
        export_cmd = [py, "-c", CLI, "export", "--format", fmt, "--db", str(db), "-o", str(out)]
        floor_cmd = [py, "-c", FLOORS[fmt], str(db), str(floor_out), ",".join(columns)]
        others = [(name, [py, "-c", code, str(db), str(floor_out), ",".join(columns)])
                  for name, code in OTHER_LIBRARIES.get(fmt, []) if _importable(code) and n <= OTHER_LIBRARIES_UP_TO]
        exports, floors, other_runs = [], [], [[] for _ in others]
        for _ in range(runs):  # back to back, so that both sides of a ratio meet the same load
            for path in (out, floor_out):
                path.unlink(missing_ok=True)
            exports.append(run(export_cmd))
            floors.append(run(floor_cmd))
            for (_name, command), measured in zip(others, other_runs):
                floor_out.unlink(missing_ok=True)
                measured.append(run(command))
        f_s, f_m, f_c = (statistics.median(x[i] for x in floors) for i in (0, 1, 2))
        for label, measured, path in [(fmt, exports, out), *((f"{fmt}: {name}", m, floor_out)
                                                             for (name, _), m in zip(others, other_runs))]:
            e_s, e_m, e_c = (statistics.median(x[i] for x in measured) for i in (0, 1, 2))
            print(f"| {label} | {e_s:.2f} | {f_s:.2f} | **{e_s / f_s:.2f}×** | {e_c / f_c:.2f}× | {e_m:.0f} | {f_m:.0f} "
                  f"| {e_m / f_m:.2f}× | {path.stat().st_size / 1e6:.1f} | {FLOOR_NAMES[fmt]} |", flush=True)
        out.unlink(missing_ok=True)
        floor_out.unlink(missing_ok=True)
    print(f"\nStart-up at {n:,} projects (medians of {runs}; the goal is under 0.5 s):\n")
    print("| command | seconds | peak MB |")
    print("|---|---|---|")
    jobs = [("`python -c pass` (the interpreter: floor)", [py, "-c", "pass"]),
            ("`registry --help`", [py, "-c", CLI, "--help"])]
    for fmt in formats:
        jobs.append((f"`registry export --format {fmt}`, no row kept",
                     [py, "-c", CLI, "export", "--format", fmt, "--q", NOTHING, "--db", str(db), "-o",
                      str(work / f"empty.{fmt}")]))
    for label, command in jobs:
        measured = [run(command) for _ in range(runs)]
        print(f"| {label} | {statistics.median(t for t, _, _ in measured):.3f} | "
              f"{statistics.median(m for _, m, _ in measured):.0f} |", flush=True)
    for fmt in (f for f in formats if f in ("csv", "geojson")):
        seconds = statistics.median(first_byte([py, "-c", CLI, "export", "--format", fmt, "--db", str(db), "-o", "-"])
                                    for _ in range(runs))
        print(f"| `registry export --format {fmt} -o -`, every row: first byte | {seconds:.3f} | |", flush=True)
    print(f"\nLoad average {load()} after the {n:,} projects.")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", default="100000", help="sizes, comma-separated (default 100000)")
    parser.add_argument("--runs", type=int, default=3, help="rounds per figure; the median is reported (default 3)")
    parser.add_argument("--formats", default=",".join(FORMATS), help=f"comma-separated (default {','.join(FORMATS)})")
    parser.add_argument("--keep", type=Path, help="keep the synthetic registries in this folder and reuse them")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.n.split(",")]
    formats = [f for f in args.formats.split(",") if f]
    unknown = set(formats) - set(FORMATS)
    if unknown:
        parser.error(f"unknown format(s) {', '.join(sorted(unknown))}")
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="exports-bench-"))
    try:
        keep = args.keep or work
        keep.mkdir(parents=True, exist_ok=True)
        print(f"`registry export` and each format's floor, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}; "
              f"load average {load()} at the start.")
        for n in sizes:
            measure_size(n, make_registry(n, keep), formats, args.runs, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n{time.perf_counter() - started:.0f} s in all (building the synthetic registries included).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
