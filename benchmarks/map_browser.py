"""The map in headless Chromium at national scale: first draw, pan/zoom, bytes per view, JS heap, server memory.

    python -m benchmarks.map_browser -n 100000 -n 1000000 [--runs 5] [--baseline [--baseline-ref REF]] [--workdir DIR]
    python -m benchmarks.map_browser --db registry.db --runs 5      # the shipped registry (page weight)
    python -m benchmarks.map_browser -n 100000 --view 3/34.4/105.4  # start every load at this view (z/lat/lon)

For each N, a synthetic registry (benchmarks/synthetic.py: projects in real counties all over
China) is built and served by the app on 127.0.0.1; Chromium (Debian's, all other hosts
blocked) loads `/` and the script measures

* first draw: navigation start to the second animation frame after `body.dataset.mapState`
  becomes "ready" (the view's projects painted on the screen), median of --runs fresh page loads;
* pan/zoom: from a zoom in, a zoom out or a pan to that view's "ready" plus two frames, median over moves;

both on the page's own clock (a MutationObserver installed before the page's scripts notes when
"ready" is set), since polling from this process sees it late whenever another task follows it
(the basemap drawn after the projects, the table); the harness's wall-clock figures are printed
beside them in brackets;
* bytes per view: the bodies of the requests one move makes (/api/map/…);
* page weight: every byte the first load transfers, basemap included; JS heap after the first draw (CDP metrics);
* the server's memory: the app is served as in production, by gunicorn with one gthread worker
  (webmap/gunicorn_conf.py, 8 threads), and the worker's peak resident set (VmHWM, /proc) and resident set
  (VmRSS) are read after every load and move: what one worker holds for that registry.

The basemap is on (the page as shipped); the moves are zoom in, pan, zoom in, pan, zoom out, zoom out, each
timed to its view painted, and reported as the median of all six with the median of each kind beside it.
Each move starts from a settled page (the basemap's view of the previous one drawn, `registryBasemap.ready()`).

The first view is the page's own (it fits every located project clear of the controls); `--view`
opens every load at a given view instead (the URL hash `#map=z/lat/lon`), so that two trees whose
default views differ are timed on the same views.

With --baseline the same is measured for the page at --baseline-ref (default a42277f, the main this
round started from; 90b78ad is the page before the view-by-view map). The WHOLE tree at that ref
is extracted (`git archive REF | tar -x -C WORK/baseline-REF`) and runs as it was: the same
synthetic rows (the CSV's header converted back, `geometry_wkt` -> `geometry`, the WKT column's
old name, for a tree that read it so) are built into a registry by that tree's own build, and that
tree's app serves it on 127.0.0.1 from a child process with PYTHONPATH=WORK/baseline-REF, in its own
virtual environment unless it declares the same dependencies as this tree. A tree whose page reports
each view (`registryMap.lastView`) is timed exactly as this one; an older page's zoom is timed to its
`moveend` plus two frames. Speed is reported as measured, next to issue 25's goals (first draw <= 700 ms
and move <= 120 ms at 100k, <= 900 ms and <= 150 ms at 1M, a server worker <= 120 MB at 1M); nothing
here is asserted.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1440, "height": 900}
# Issue 25's goals: N -> (first draw ms, move ms, server worker MB or None), painted, basemap on.
GOALS = {100_000: (700.0, 120.0, None), 1_000_000: (900.0, 150.0, 120.0)}

# Predicates are passed as functions: the page's Content-Security-Policy forbids eval of a string.
READY = "(document.body && document.body.dataset.mapState === 'ready')"


def build_registry(n: int, work: Path, code_root: Path = ROOT) -> tuple[Path, float]:
    """The synthetic registry of n projects, built by the registry package under code_root."""
    csv_path = work / f"synthetic-{n}.csv"
    if not csv_path.exists():
        subprocess.run([sys.executable, "-m", "benchmarks.synthetic", "-n", str(n), "-o", str(csv_path)],
                       cwd=ROOT, check=True, env=_env())
    if code_root != ROOT:
        if not reads_geometry_wkt(code_root):
            csv_path = old_header_csv(csv_path, code_root)
        db_path = code_root.parent / f"{code_root.name}-{n}.db"
    else:
        db_path = work / f"synthetic-{n}.db"
    if db_path.exists():
        return db_path, 0.0  # built by an earlier run in the same --workdir
    started = time.perf_counter()
    subprocess.run([python_of(code_root), "-c", BUILD_IN_ANY_TREE, str(csv_path), str(db_path)],
                   cwd=code_root, check=True, env=_env(code_root))
    return db_path, time.perf_counter() - started


# The baseline tree may predate the stage folders (registry/store/store.py): its build is found either way.
BUILD_IN_ANY_TREE = ("import sys, importlib; store = importlib.import_module('registry.store'); "  # restructure: keep
                     "build = getattr(store, 'build', None) or importlib.import_module('registry.store.store').build; "  # restructure: keep
                     "build(sys.argv[1], sys.argv[2], targets_csv=None)")


def reads_geometry_wkt(code_root: Path) -> bool:
    """Whether the tree at code_root reads the CSV's WKT column as `geometry_wkt` (as this one does)."""
    return any("geometry_wkt" in path.read_text(encoding="utf-8", errors="replace")
               for path in (code_root / "registry").rglob("*.py"))


def python_of(code_root: Path) -> str:
    """The interpreter that runs the tree at code_root: ours when it declares the same dependencies, else the
    baseline's own virtual environment (90b78ad needs xstatic's font-awesome, which this tree dropped)."""
    if code_root == ROOT or (code_root / "pyproject.toml").read_bytes() == (ROOT / "pyproject.toml").read_bytes():
        return sys.executable
    venv = code_root.parent / f"venv-{code_root.name}"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", str(code_root)], check=True,
                       stdout=subprocess.DEVNULL)
    return str(python)


def _env(code_root: Path = ROOT) -> dict:
    return dict(os.environ, PYTHONPATH=str(code_root))


def old_header_csv(csv_path: Path, code_root: Path) -> Path:
    """The same rows with the header the tree at code_root reads (its WKT column was `geometry`)."""
    target = code_root.parent / f"{code_root.name}-{csv_path.name}"
    if not target.exists():
        with csv_path.open("rb") as source, target.open("wb") as out:
            header = source.readline().decode("utf-8-sig").rstrip("\r\n").split(",")
            out.write((",".join("geometry" if c == "geometry_wkt" else c for c in header) + "\n").encode())
            while chunk := source.read(1 << 20):
                out.write(chunk)
    return target


def baseline_tree(work: Path, ref: str) -> Path:
    """The whole repository as it was at ref, extracted to work/baseline-<ref> (code, plans, geodata)."""
    target = work / f"baseline-{ref}"
    if not (target / "webmap").is_dir():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.Popen(["git", "archive", ref], cwd=ROOT, stdout=subprocess.PIPE)
        subprocess.run(["tar", "-x", "-C", str(target)], stdin=archive.stdout, check=True)
        archive.stdout.close()
        if archive.wait() != 0:
            raise SystemExit(f"git archive {ref} failed: is {ref!r} a commit of this repository?")
        # The synthetic rows cite spans of this tree's plans (provincial ones too): the baseline's build checks
        # them against its plans/, so it gets this tree's.
        import shutil

        shutil.rmtree(target / "plans")
        shutil.copytree(ROOT / "plans", target / "plans", ignore=shutil.ignore_patterns("*.review.json", "*.csv.bak"))
    return target


class Server:
    """The app of the tree at code_root (ours, or the baseline's) in a child process on 127.0.0.1: as in production,
    gunicorn with one gthread worker (webmap/gunicorn_conf.py) for a tree that has that configuration, whose worker
    is the process measured; werkzeug's threaded server for an older tree."""

    def __init__(self, db: Path, code_root: Path = ROOT):
        from socket import socket

        with socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        env = dict(_env(code_root), REGISTRY_DB=str(db), REGISTRY_TILES="none", REGISTRY_BASEMAP="on")
        if (code_root / "webmap" / "gunicorn_conf.py").is_file():
            command = [python_of(code_root), "-m", "gunicorn", "-c", "python:webmap.gunicorn_conf", "-w", "1",
                       "-b", f"127.0.0.1:{self.port}", "webmap:create_app()"]
        else:
            command = [python_of(code_root), "-c", "import sys; from werkzeug.serving import run_simple; "
                       "from webmap import create_app; run_simple('127.0.0.1', int(sys.argv[1]), create_app(), threaded=True)",
                       str(self.port)]
        # The working directory comes first on the path, then PYTHONPATH: both are code_root, so the baseline's
        # registry and webmap packages are the ones imported, never ours.
        self.process = subprocess.Popen(command, cwd=code_root, env=env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        self.base = f"http://127.0.0.1:{self.port}"
        import urllib.request

        for _ in range(300):
            try:
                urllib.request.urlopen(self.base + "/api/facets", timeout=60).read()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("server did not start")

    def worker_pid(self) -> int:
        """gunicorn's one worker (the arbiter's child), or werkzeug's own process."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return int(children[0]) if children else self.process.pid

    def memory_mb(self) -> tuple[float, float]:
        """(peak resident set VmHWM, resident set VmRSS) of the serving worker, in MB (10^6 bytes)."""
        fields = dict(line.split(":", 1) for line in Path(f"/proc/{self.worker_pid()}/status").read_text().splitlines()
                      if ":" in line)
        return tuple(int(fields[name].split()[0]) * 1024 / 1e6 for name in ("VmHWM", "VmRSS"))

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def blocked_elsewhere(base: str):
    def route(r):
        if r.request.url.startswith((base, "data:")):
            r.continue_()
        else:
            r.abort("blockedbyclient")
    return route


def heap_mb(page) -> float:
    session = page.context.new_cdp_session(page)
    session.send("Performance.enable")
    metrics = {m["name"]: m["value"] for m in session.send("Performance.getMetrics")["metrics"]}
    session.detach()
    return metrics.get("JSHeapUsedSize", 0) / 1e6


def transferred(page, since: float = 0.0) -> int:
    return int(page.evaluate("""(since) => performance.getEntriesByType('resource')
        .filter(e => e.startTime >= since).reduce((n, e) => n + (e.encodedBodySize || 0), 0)""", since))


# Installed before any script of the page: the moments body.dataset.mapState becomes "ready" and the
# moments the two animation frames after it have run (the view painted, what a planner sees), as the
# page's own clock reads them. Polling from here sees them late whenever a task follows (the basemap's
# drawing, the table), which is not time the planner waits.
READY_CLOCK = """(() => {
    window.__mapReadyAt = [];
    window.__mapPaintedAt = [];
    new MutationObserver(() => {
        if (!(document.body && document.body.dataset.mapState === 'ready')) return;
        const ready = performance.now();
        window.__mapReadyAt.push(ready);
        requestAnimationFrame(() => requestAnimationFrame(() => window.__mapPaintedAt.push({ready, at: performance.now()})));
    }).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-map-state']});
})();"""
PAINTED_SINCE = "(since) => window.__mapPaintedAt.find(p => p.ready >= since)"
# The page at rest: its basemap (drawn after the projects, off the timed path) has drawn its view too. Every move
# starts from here, as a planner's next move does, so no move is charged with the previous one's basemap work.
SETTLED = "() => (window.registryBasemap && window.registryBasemap.ready) ? window.registryBasemap.ready().then(() => true) : true"


def first_draw(context, base: str, timeout_s: float, view: str | None = None) -> tuple[float, float, object]:
    """(ms from navigation start to "ready" on the page's clock, the same seen from here, the page)."""
    page = context.new_page()
    page.route("**/*", blocked_elsewhere(base))
    started = time.perf_counter()
    page.goto(base + "/" + (f"#map={view}" if view else ""), wait_until="commit", timeout=timeout_s * 1000)
    page.wait_for_function("() => (window.__mapPaintedAt && window.__mapPaintedAt.length) "
                           "|| (document.body && document.body.dataset.mapState === 'error')",
                           timeout=timeout_s * 1000, polling=20)
    elapsed = (time.perf_counter() - started) * 1000
    if page.evaluate("document.body.dataset.mapState") == "error":
        raise RuntimeError("the map says error")
    return page.evaluate("window.__mapPaintedAt[0].at"), elapsed, page


MOVES = (("zoom in", "map.zoomIn(1, {animate: false})"), ("pan", "map.panBy([300, 150], {animate: false})"),
         ("zoom in", "map.zoomIn(1, {animate: false})"), ("pan", "map.panBy([-250, 200], {animate: false})"),
         ("zoom out", "map.zoomOut(1, {animate: false})"), ("zoom out", "map.zoomOut(1, {animate: false})"))


def moves_ours(page) -> tuple[list[float], list[int], list[float]]:
    """Per move: ms from the move to "ready" for its view on the page's clock, bytes, ms seen from here."""
    times, sizes, walls = [], [], []
    for _, move in MOVES:
        page.evaluate(SETTLED)
        before = page.evaluate("window.registryMap.lastView().sequence")
        started = time.perf_counter()
        since = page.evaluate(f"(() => {{ const map = window.registryMap.map; const t0 = performance.now(); {move}; "
                              "return t0; })()")
        page.wait_for_function(f"() => window.registryMap.lastView().sequence > {before} && {READY} "
                               f"&& ({PAINTED_SINCE})({since})", polling=5, timeout=60_000)
        walls.append((time.perf_counter() - started) * 1000)
        times.append(page.evaluate(f"({PAINTED_SINCE})({since}).at - {since}"))
        sizes.append(transferred(page, since))
    return times, sizes, walls


def moves_baseline(page) -> tuple[list[float], list[float]]:
    """The baseline page: a move is done when Leaflet's moveend has fired and two frames are painted."""
    times, walls = [], []
    for _, move in MOVES[:4]:
        started = time.perf_counter()
        times.append(page.evaluate(f"""() => new Promise(done => {{
            const map = window.registryMap.map, t0 = performance.now();
            map.once('moveend', () => requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t0))));
            {move};
        }})"""))
        walls.append((time.perf_counter() - started) * 1000)
    return times, walls


def measure(browser, base: str, runs: int, timeout_s: float, view: str | None = None) -> dict:
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    context.add_init_script(READY_CLOCK)
    try:
        draws, walls, page = [], [], None
        for _ in range(runs):
            if page is not None:
                page.close()
            ms, wall, page = first_draw(context, base, timeout_s, view)
            draws.append(ms)
            walls.append(wall)
        page.evaluate(SETTLED)
        result = {"first_draw_ms": draws, "first_draw_wall_ms": walls, "page_bytes": transferred(page),
                  "heap_mb": heap_mb(page)}
        if page.evaluate("!!(window.registryMap && window.registryMap.lastView)"):  # a page that reports each view
            result["move_ms"], result["view_bytes"], result["move_wall_ms"] = moves_ours(page)
        else:
            (result["move_ms"], result["move_wall_ms"]), result["view_bytes"] = moves_baseline(page), []
        page.close()
        return result
    finally:
        context.close()


def median(values) -> float:
    return statistics.median(values) if values else float("nan")


def by_kind(move_ms: list[float]) -> str:
    """The median of each kind of move (zoom in, pan, zoom out)."""
    kinds = {}
    for (kind, _), ms in zip(MOVES, move_ms):
        kinds.setdefault(kind, []).append(ms)
    return ", ".join(f"{kind} {median(values):.0f}" for kind, values in kinds.items())


def report_line(label: str, figures: dict) -> str:
    view = f"{median(figures['view_bytes']) / 1024:5.1f} KiB/view" if figures["view_bytes"] else "     n/a    "
    return (f"{label:<28} first draw {median(figures['first_draw_ms']):6.0f} ms (runs: "
            f"{', '.join(f'{v:.0f}' for v in figures['first_draw_ms'])})  move {median(figures['move_ms']):5.0f} ms "
            f"({by_kind(figures['move_ms'])}; max {max(figures['move_ms']):.0f})  server peak {figures['server_mb'][0]:4.0f} MB "
            f"(now {figures['server_mb'][1]:.0f})  {view}  page {figures['page_bytes'] / 1024:5.0f} KiB  "
            f"heap {figures['heap_mb']:5.1f} MB  [seen by the harness: first draw "
            f"{median(figures['first_draw_wall_ms']):.0f} ms, move {median(figures['move_wall_ms']):.0f} ms]")


def goals_line(n: int, label: str, figures: dict) -> str | None:
    """This N's figures against issue 25's goals, or None for an N without goals."""
    if n not in GOALS:
        return None
    draw_goal, move_goal, server_goal = GOALS[n]
    draw, move, server = median(figures["first_draw_ms"]), median(figures["move_ms"]), figures["server_mb"][0]
    checks = [f"first draw {draw:.0f} ms vs {draw_goal:.0f} -> {'met' if draw <= draw_goal else 'MISSED'}",
              f"move {move:.0f} ms vs {move_goal:.0f} -> {'met' if move <= move_goal else 'MISSED'}"]
    if server_goal:
        checks.append(f"server worker peak {server:.0f} MB vs {server_goal:.0f} -> "
                      f"{'met' if server <= server_goal else 'MISSED'}")
    return f"goals at {n:,} ({label}): " + "; ".join(checks)


def measure_served(browser, db: Path, code_root: Path, runs: int, timeout_s: float, view: str | None) -> dict:
    """The page served by the tree at code_root from db, and that server's memory after every load and move."""
    server = Server(db, code_root)
    try:
        figures = measure(browser, server.base, runs, timeout_s, view)
        figures["server_mb"] = server.memory_mb()
        return figures
    finally:
        server.stop()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, action="append", help="synthetic projects (repeat; default 10000 and 100000)")
    parser.add_argument("--db", type=Path, help="measure this registry instead of synthetic ones")
    parser.add_argument("--runs", type=int, default=5, help="page loads per measurement (median)")
    parser.add_argument("--baseline", action="store_true",
                        help="also measure the page at --baseline-ref on the same synthetic rows")
    parser.add_argument("--baseline-ref", default="a42277f",
                        help="the commit whose whole tree serves the baseline (default: a42277f, this round's start)")
    parser.add_argument("--baseline-max-n", type=int, default=1_000_000, help="skip the baseline above this N")
    parser.add_argument("--workdir", type=Path, help="keep CSVs and registries here (default: a temporary directory)")
    parser.add_argument("--view", help="open every load at this view, z/lat/lon (default: the page's own first view)")
    args = parser.parse_args(argv)
    load_at_start = os.getloadavg()[0]

    from playwright.sync_api import sync_playwright

    temporary = None if args.workdir else tempfile.TemporaryDirectory(prefix="map-browser-")
    work = args.workdir or Path(temporary.name)
    work.mkdir(parents=True, exist_ok=True)
    targets = [(args.db.name, 0, args.db, 0.0)] if args.db else []
    started = time.perf_counter()
    lines, goals = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for n in ([] if args.db else (args.n or [10_000, 100_000])):
                db, build_s = build_registry(n, work)
                targets.append((f"N={n:,}", n, db, build_s))
            old_root = baseline_tree(work, args.baseline_ref) if args.baseline else None
            for label, n, db, build_s in targets:
                ours = measure_served(browser, db, ROOT, args.runs, 120, args.view)
                lines.append(report_line(f"{label} this branch", ours) + (f"  (build {build_s:.1f} s)" if build_s else ""))
                print(lines[-1], flush=True)
                goals.append(goals_line(n, "this branch", ours))
                if old_root and n and n <= args.baseline_max_n:
                    old_label = f"{label} {args.baseline_ref} (baseline)"
                    old_db, old_build_s = build_registry(n, work, old_root)
                    try:
                        old = measure_served(browser, old_db, old_root, args.runs, 300, args.view)
                        lines.append(report_line(old_label, old) + (f"  (build {old_build_s:.1f} s)" if old_build_s else ""))
                        goals.append(goals_line(n, f"{args.baseline_ref}, baseline", old))
                    except Exception as exc:  # noqa: BLE001 - a baseline that times out is a figure too
                        lines.append(f"{old_label} did not reach ready: {str(exc).splitlines()[0][:80]}")
                    print(lines[-1], flush=True)
        finally:
            browser.close()
            if temporary:
                temporary.cleanup()
    for line in filter(None, goals):
        print(line)
    load = os.getloadavg()[0]
    summary = (f"summary: {len(lines)} measurements in {time.perf_counter() - started:.0f} s, load average "
               f"{load_at_start:.2f} at the start and {load:.2f} at the end (2 cores shared: figures are upper bounds)")
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
