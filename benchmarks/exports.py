"""Time and peak memory of each export format at N projects, against baselines in the same run.

    python benchmarks/exports.py -n 100000

Builds a synthetic registry (benchmarks/synthetic.py), then runs `registry export --format F`
for every format in a child process of its own and reports wall time, peak RSS (the child's
ru_maxrss) and file size. Baselines, measured in the same run:
- `registry info` (the CLI's start-up and imports, no export): the floor of the memory column;
- the same XLSX written by openpyxl in its normal (not write-only) mode from the same rows,
  which holds a cell object per value: what write-only mode saves.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

NORMAL_MODE_XLSX = """
import sys
from openpyxl import Workbook
from registry.store.query import Registry
from registry.rows.schema import PROJECT_COLUMNS
book = Workbook(); sheet = book.active
sheet.append(list(PROJECT_COLUMNS))
with Registry(sys.argv[1]) as registry:
    for row in registry.projects():
        sheet.append([row[c] for c in PROJECT_COLUMNS])
book.save(sys.argv[2])
"""


def run(argv: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of a child process (its own rusage, from wait4)."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"{argv[:4]} failed with status {child.returncode}")
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=100_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        csv_path, db = work / "projects.csv", work / "registry.db"
        subprocess.run([sys.executable, "-m", "benchmarks.synthetic", "-n", str(args.n), "-o", str(csv_path)],
                       check=True, cwd=ROOT)
        subprocess.run([sys.executable, "-m", "registry.cli", "build", "--csv", str(csv_path), "--db", str(db)],
                       check=True, cwd=ROOT)
        cli = [sys.executable, "-m", "registry.cli"]
        jobs = [("registry info (start-up floor)", cli + ["info", "--db", str(db)], None)]
        for fmt in ("csv", "geojson", "xlsx", "gpkg"):
            out = work / f"out.{fmt}"
            jobs.append((f"export --format {fmt}", cli + ["export", "--format", fmt, "--db", str(db), "-o", str(out)], out))
        jobs.append(("openpyxl normal mode (baseline)", [sys.executable, "-c", NORMAL_MODE_XLSX, str(db),
                                                         str(work / "normal.xlsx")], work / "normal.xlsx"))
        print(f"N = {args.n}")
        print(f"| {'what':36} | seconds | peak RSS MB | file MB |")
        print(f"|{'-' * 38}|---------|-------------|---------|")
        for label, command, out in jobs:
            seconds, peak = run(command)
            size = out.stat().st_size / 1e6 if out else 0
            print(f"| {label:36} | {seconds:7.2f} | {peak:11.0f} | {size:7.1f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
