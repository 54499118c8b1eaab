"""`registry build` against the floor of what SQLite alone takes to load the same CSV, time and peak memory.

    python -m benchmarks.build                                      # 10k, 100k, 1M; 3 runs; the tree a42277f
    python -m benchmarks.build --sizes 10000,100000 --runs 3 --baseline a42277f

For each size, in the same command and interleaved run by run (so load from other processes hits
every way alike), each in a fresh child process timed by the wall clock around it, its peak memory
the larger of the kernel's ru_maxrss of that child (os.wait4: the whole process) and the peak of its
process tree's summed PSS (benchmarks/process_tree.py: `registry build` forks a process per core),
with the tree's summed RSS beside it (pages a forked process shares with its parent counted twice):

* `registry build --csv CSV --db DB`: the command a user runs (checks every row, the database,
  its indexes, FTS5, the map grid, the facets, the plan areas; a new file swapped in whole), as a
  rebuild after a review runs it: the plans' geometry cache (registry/store/geo_cache.py) filled by
  one build before the runs; and, up to `--baseline-up-to` rows, the first build after installing,
  each run with an empty cache of its own;
* the floor: a child Python doing plain `sqlite3` `executemany` of the same CSV's rows (the csv
  module's lists, no checks) into one table in one transaction, then an FTS5 trigram index over
  the six searched columns (external content, filled by 'rebuild'), as the registry searches;
* `--baseline REV` (default a42277f, the tree before issue 25): that tree's own `registry build`
  (extracted with `git archive`), up to `--baseline-up-to` rows (it is slow).

The table gives the median time of `--runs` runs (each run listed with its ratio to the floor's run of
the same round), its ratio to the floor's median, and the largest peak memory of the runs; then issue 25's goals, met or missed: `registry
build` within 3x the floor from 100,000 projects, peak memory at most 150 MB at 100,000 projects and 200 MB at 1,000,000.

Data: benchmarks/memory.py's CSVs (benchmarks/synthetic.py's 100,000 projects in real counties;
10k its first rows; 1M those rows ten times with new ids), kept in --work between runs.
Time: about 11 minutes for 10k/100k/1M with 5 runs and the baseline on a quiet 2-core machine (2026-12-07);
the 1M rows take most of it (three builds and three floors), so --sizes 10000,100000 is the quick run.
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

from benchmarks.memory import make_csvs
from benchmarks.process_tree import TreeMemory

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
GOAL_RATIO = 3.0
GOAL_FROM = 100_000  # the ratio's goal is the at 100k and up; at 10k Python's start-up alone is ~5 floors
GOAL_PEAK_MB = {100_000: 150, 1_000_000: 200}

FLOOR = r"""
import csv, sqlite3, sys
csv_path, db_path = sys.argv[1:3]
conn = sqlite3.connect(db_path)
with open(csv_path, encoding="utf-8-sig", newline="") as handle:
    reader = csv.reader(handle)
    header = next(reader)
    conn.execute(f"CREATE TABLE projects ({', '.join(header)})")
    conn.executemany(f"INSERT INTO projects VALUES ({', '.join('?' * len(header))})", reader)
conn.execute("CREATE VIRTUAL TABLE projects_fts USING fts5(name, subtype, city, county, town, site, "
             "content=projects, tokenize='trigram')")
conn.execute("INSERT INTO projects_fts (projects_fts) VALUES ('rebuild')")
conn.commit()
conn.close()
"""


def run(command: list[str], cwd: Path, env: dict | None = None) -> tuple[float, float, float]:
    """(seconds, peak memory, peak summed RSS of the process tree, in MB) of one command; SystemExit with
    its stderr if it fails.

    The peak memory is the larger of the child's own peak RSS (ru_maxrss: the kernel's, exact, for one
    process) and the peak of its process tree's summed PSS (sampled: `registry build` forks a process per
    core); the summed RSS counts the pages a forked process shares with its parent twice (an upper bound).
    """
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    tree = TreeMemory(process.pid).start()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    tree.stop()
    error = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed: {error[-2000:]}")
    return seconds, max(usage.ru_maxrss / 1024, tree.peak_pss_mb), max(usage.ru_maxrss / 1024, tree.peak_rss_mb)


def cold_build(command: list[str], csv_path: Path, db: Path, env: dict) -> tuple[float, float, float]:
    """One `registry build` with an empty plan-geometry cache of its own."""
    with tempfile.TemporaryDirectory(prefix="registry-geo-cache-") as cache:
        return run([*command, str(csv_path), "--db", str(db)], ROOT, dict(env, REGISTRY_CACHE_DIR=cache))


def baseline_tree(work: Path, revision: str) -> Path:
    """This repository at `revision`, extracted once to work/tree-<revision> (its code, plans and geodata)."""
    target = work / f"tree-{revision}"
    if not (target / "registry").is_dir():
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        archive = subprocess.Popen(["git", "archive", revision], cwd=ROOT, stdout=subprocess.PIPE)
        subprocess.run(["tar", "-x", "-C", str(target)], stdin=archive.stdout, check=True)
        archive.stdout.close()
        if archive.wait() != 0:
            raise SystemExit(f"git archive {revision} failed: is it a commit of this repository?")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="projects, comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="runs of each way per size (median)")
    parser.add_argument("--baseline", default="a42277f", help="an earlier tree whose `registry build` runs too ('' for none)")
    parser.add_argument("--baseline-up-to", type=int, default=100_000, help="run the baseline only up to this many rows")
    parser.add_argument("--work", type=Path, default=Path("/tmp/registry-membench"), help="folder for CSVs and databases")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    load_before = os.getloadavg()
    print(f"load average before: {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f} on {os.cpu_count()} CPUs",
          flush=True)
    csvs = make_csvs(args.work, sizes)
    # The build keeps the plans' geometry between builds (registry/store/geo_cache.py): `registry build` is the
    # rebuild a planner runs after a review (the cache filled by one build before the runs); the first build
    # after installing, with an empty cache, is measured beside it.
    warm_cache = args.work / "geo-cache"
    env = dict(os.environ, PYTHONPATH=str(ROOT), REGISTRY_CACHE_DIR=str(warm_cache))
    command = [PY, "-m", "registry.cli", "build", "--csv"]
    run([*command, str(csvs[sizes[0]]), "--db", str(args.work / "build-warm-up.db")], ROOT, env)
    ways = {"`registry build`": lambda csv_path, db: run([*command, str(csv_path), "--db", str(db)], ROOT, env),
            "`registry build`, first build (empty cache)": lambda csv_path, db: cold_build(command, csv_path, db, env),
            "floor: sqlite3 executemany + FTS5": lambda csv_path, db: run([PY, "-c", FLOOR, str(csv_path), str(db)], ROOT)}
    if args.baseline:
        tree = baseline_tree(args.work, args.baseline)
        ways[f"`registry build` at {args.baseline}"] = lambda csv_path, db: run(
            [PY, "-m", "registry.cli", "build", "--csv", str(csv_path), "--db", str(db)], tree,
            dict(os.environ, PYTHONPATH=str(tree)))
    lines = ["| projects | way | time, median | runs | × floor | peak memory (largest of the runs) | its processes' RSS summed |",
             "|---:|---|---:|---|---:|---:|---:|"]
    checks = []
    print("\n".join(lines), flush=True)
    for n in sizes:
        chosen = {name: way for name, way in ways.items()
                  if not ((name.endswith(f"at {args.baseline}") or "empty cache" in name) and n > args.baseline_up_to)}
        results = {name: [] for name in chosen}
        for _ in range(args.runs):
            for name, way in chosen.items():
                db = args.work / f"build-{n}.db"
                db.unlink(missing_ok=True)
                results[name].append(way(csvs[n], db))
        floors = [s for s, _, _ in results["floor: sqlite3 executemany + FTS5"]]
        floor = statistics.median(floors)
        for name, measured in results.items():
            seconds = statistics.median(s for s, _, _ in measured)
            peak, summed = max(p for _, p, _ in measured), max(r for _, _, r in measured)
            # Each run beside its ratio to the floor of the same round (run back to back): the spread of the ratio.
            runs = ", ".join(f"{s:.2f} ({s / f:.1f}×)" for (s, _, _), f in zip(measured, floors))
            lines.append(f"| {n:,} | {name} | {seconds:.2f} s | {runs} | "
                         f"{seconds / floor:.1f}× | {peak:,.0f} MB | {summed:,.0f} MB |")
            print(lines[-1], flush=True)
        build = results["`registry build`"]
        ratio, peak = statistics.median(s for s, _, _ in build) / floor, max(p for _, p, _ in build)
        if n >= GOAL_FROM:
            checks.append((f"{n:,}: build {ratio:.1f}× the floor (goal ≤ {GOAL_RATIO:g}×)", ratio <= GOAL_RATIO))
        if n in GOAL_PEAK_MB:
            checks.append((f"{n:,}: peak memory {peak:.0f} MB (goal ≤ {GOAL_PEAK_MB[n]} MB)", peak <= GOAL_PEAK_MB[n]))
    load_after = os.getloadavg()
    print(f"\nload average after: {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")
    for text, met in checks:
        print(f"goal {'met' if met else 'MISSED'}: {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
