"""Peak memory and time of a full export as the registry grows.

    python -m benchmarks.memory --work /tmp/membench                 # 10k, 100k, 1M rows
    python -m benchmarks.memory --work /tmp/membench --sizes 10000,100000 --out benchmarks/MEMORY.md

`registry build`'s time and peak memory are measured by benchmarks/build.py (`python -m benchmarks --only
build`), against the sqlite3 floor in the same run; here the build only makes the registry the exports read.

Each measurement runs in a fresh child process; its peak resident set size is the kernel's
ru_maxrss for that child (os.wait4): the whole process, as a user's command is. Its time is the wall
clock around it. Two ways of doing each job run in the same command, so the ratio is measured on
the same machine at the same moment:

* export, `stream`: the command a user runs, `registry export --format geojson -o FILE` (rows straight
  off the cursor, as /export.geojson and /api/map.json read them);
* export, `list` (baseline): `geojson_chunks(Registry.features())`, the list-returning method
  the exports used before.

Data: `benchmarks/synthetic.py` makes 100,000 projects in real counties; 10k is its first 10,000
rows; 1M is the 100k file ten times over with new ids (the same names, places and geometry
mix, so the per-row cost is the same; generating 1M distinct rows takes longer than the builds).
"""
from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

EXPORT_CHILD = r"""
import sys
from registry.exports.export import geojson_chunks
from registry.store.query import Registry
db_path, out_path, mode = sys.argv[1:4]
with Registry(db_path) as registry, open(out_path, "w", encoding="utf-8") as out:
    features = registry.iter_features() if mode == "stream" else registry.features()
    for chunk in geojson_chunks(features):
        out.write(chunk)
print(out_path)
"""


CLI = "from registry.cli import main; main()"  # `registry ARGS`, the console script's entry point


def run_child(code: str, *args: str) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of `python -c code args` in a fresh process."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    started = time.perf_counter()
    process = subprocess.Popen([PY, "-c", code, *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    err = process.stderr.read().decode(errors="replace")
    process.stdout.close()
    process.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"child failed: {err[-2000:]}")
    return seconds, usage.ru_maxrss / 1024


def make_csvs(work: Path, sizes: list[int]) -> dict[int, Path]:
    """The CSVs, written by a child process: Linux carries a parent's peak RSS into the children it
    forks (ru_maxrss survives exec), so this process must stay small for the figures to be true."""
    work.mkdir(parents=True, exist_ok=True)
    subprocess.run([PY, "-c", "import sys; from benchmarks.memory import _write_csvs; "
                    "_write_csvs(sys.argv[1], sys.argv[2])", str(work), ",".join(map(str, sizes))],
                   cwd=ROOT, check=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    return {n: work / f"projects-{n}.csv" for n in sizes}


def _write_csvs(work: str, sizes: str) -> None:
    work, sizes = Path(work), [int(s) for s in sizes.split(",")]
    base = work / "synthetic-100000.csv"
    if not base.exists():
        subprocess.run([PY, "-m", "benchmarks.synthetic", "-n", "100000", "-o", str(base)], cwd=ROOT, check=True,
                       env=dict(os.environ, PYTHONPATH=str(ROOT)))
    with open(base, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header, rows = reader.fieldnames, list(reader)
    for n in sizes:
        path = work / f"projects-{n}.csv"
        if path.exists():
            continue
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
            writer.writeheader()
            for i in range(n):
                row = rows[i % len(rows)]
                copy = i // len(rows)
                writer.writerow(row if copy == 0 else dict(row, id=f"{row['id']}-{copy}"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True, help="folder for the CSVs and registries")
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--baseline-up-to", type=int, default=100_000,
                        help="run the list-in-memory baselines only up to this many rows")
    parser.add_argument("--out", type=Path, help="also write the table as markdown here")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    csvs = make_csvs(args.work, sizes)
    floor = run_child("pass")[1]
    print(f"an empty child python: {floor:.0f} MB peak RSS", flush=True)
    lines = ["| rows | job | way | time | peak RSS |", "|---:|---|---|---:|---:|",
             f"| 0 | (an empty Python child) | | | {floor:,.0f} MB |"]
    for n in sizes:
        db = args.work / f"registry-{n}.db"
        results = {}
        run_child(CLI, "build", "--csv", str(csvs[n]), "--db", str(db))  # the registry exported (benchmarks/build.py times it)
        for mode in ("stream", "list"):
            if mode == "list" and n > args.baseline_up_to:
                continue
            out = args.work / f"export-{n}.geojson"
            seconds, peak = (run_child(CLI, "export", "--db", str(db), "--format", "geojson", "-o", str(out))
                             if mode == "stream" else run_child(EXPORT_CHILD, str(db), str(out), mode))
            results[("export", mode)] = (seconds, peak)
        for (job, mode), (seconds, peak) in results.items():
            label = f"`registry {job}` (now)" if mode == "stream" else "library, list in memory (before)"
            lines.append(f"| {n:,} | {job} | {label} | {seconds:.1f} s | {peak:,.0f} MB |")
            print(lines[-1], flush=True)
        for job in ("export",):
            if (job, "list") in results:
                ratio = results[(job, "list")][1] / results[(job, "stream")][1]
                print(f"SUMMARY {n} {job}: streamed peak RSS {results[(job, 'stream')][1]:.0f} MB, "
                      f"list {results[(job, 'list')][1]:.0f} MB, ratio {ratio:.1f}x", flush=True)
    table = "\n".join(lines)
    if args.out:
        args.out.write_text(table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
