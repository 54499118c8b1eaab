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
`moveend` plus two frames. Both trees' servers run side by side and their loads and moves alternate, the
order reversed each round, so that a load spike on the shared machine hits both, and the ratio holds.
(benchmarks/map_trees.py extracts, builds and serves the trees.) Speed is reported as measured, next to issue 25's goals (first draw <= 700 ms
and move <= 120 ms at 100k, <= 900 ms and <= 150 ms at 1M, a server worker <= 120 MB at 1M); nothing
here is asserted.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.map_trees import ROOT, Server, baseline_tree, build_registry

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1440, "height": 900}
# Issue 25's goals: N -> (first draw ms, move ms, server worker MB or None), painted, basemap on.
GOALS = {100_000: (700.0, 120.0, None), 1_000_000: (900.0, 150.0, 120.0)}

# Predicates are passed as functions: the page's Content-Security-Policy forbids eval of a string.
READY = "(document.body && document.body.dataset.mapState === 'ready')"


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


def move_ours(page, move: str) -> tuple[float, int, float]:
    """ms from the move to "ready" for its view plus two frames on the page's clock, bytes, ms seen from here."""
    page.evaluate(SETTLED)
    before = page.evaluate("window.registryMap.lastView().sequence")
    started = time.perf_counter()
    since = page.evaluate(f"(() => {{ const map = window.registryMap.map; const t0 = performance.now(); {move}; "
                          "return t0; })()")
    page.wait_for_function(f"() => window.registryMap.lastView().sequence > {before} && {READY} "
                           f"&& ({PAINTED_SINCE})({since})", polling=5, timeout=60_000)
    wall = (time.perf_counter() - started) * 1000
    return page.evaluate(f"({PAINTED_SINCE})({since}).at - {since}"), transferred(page, since), wall


def move_old_page(page, move: str) -> float:
    """A page without per-view state (90b78ad): a move is done when moveend has fired and two frames are painted."""
    return page.evaluate(f"""() => new Promise(done => {{
        const map = window.registryMap.map, t0 = performance.now();
        map.once('moveend', () => requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t0))));
        {move};
    }})""")


class Subject:
    """One tree's page on one registry, served by its own worker, measured a load or a move at a time so that
    two trees' loads and moves alternate (ABBA): a load spike on the shared machine hits both, not one."""

    def __init__(self, browser, db: Path, code_root: Path, timeout_s: float, view: str | None):
        self.server = Server(db, code_root)
        self.context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
        self.context.add_init_script(READY_CLOCK)
        self.timeout_s, self.view, self.page = timeout_s, view, None
        self.figures = {"first_draw_ms": [], "first_draw_wall_ms": [], "move_ms": [], "view_bytes": [],
                        "move_wall_ms": []}

    def load(self) -> None:
        if self.page is not None:
            self.page.close()
        ms, wall, self.page = first_draw(self.context, self.server.base, self.timeout_s, self.view)
        self.figures["first_draw_ms"].append(ms)
        self.figures["first_draw_wall_ms"].append(wall)

    def weigh(self) -> None:
        self.page.evaluate(SETTLED)
        self.figures.update(page_bytes=transferred(self.page), heap_mb=heap_mb(self.page))
        self.per_view = self.page.evaluate("!!(window.registryMap && window.registryMap.lastView)")

    def move(self, index: int) -> None:
        if self.per_view:
            ms, size, wall = move_ours(self.page, MOVES[index][1])
            self.figures["view_bytes"].append(size)
        elif index < 4:
            started = time.perf_counter()
            ms, wall = move_old_page(self.page, MOVES[index][1]), 0.0
            wall = (time.perf_counter() - started) * 1000
        else:
            return
        self.figures["move_ms"].append(ms)
        self.figures["move_wall_ms"].append(wall)

    def close(self) -> dict:
        """The figures, with the worker's memory after every load and move."""
        try:
            self.figures["server_mb"] = self.server.memory_mb()
            self.context.close()
        finally:
            self.server.stop()
        return self.figures


def measure_alternately(subjects: list, runs: int) -> None:
    """Loads, then moves, each done by every subject in turn, the order reversed every round."""
    for round_ in range(runs):
        for subject in subjects[::-1] if round_ % 2 else subjects:
            subject.load()
    for subject in subjects:
        subject.weigh()
    for index in range(len(MOVES)):
        for subject in subjects[::-1] if index % 2 else subjects:
            subject.move(index)


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
                names = [(f"{label} this branch", "this branch", build_s)]
                subjects = [Subject(browser, db, ROOT, 120, args.view)]
                if old_root and n and n <= args.baseline_max_n:
                    old_db, old_build_s = build_registry(n, work, old_root)
                    names.append((f"{label} {args.baseline_ref} (baseline)", f"{args.baseline_ref}, baseline", old_build_s))
                    subjects.append(Subject(browser, old_db, old_root, 300, args.view))
                try:
                    measure_alternately(subjects, args.runs)
                finally:
                    results = [subject.close() for subject in subjects]
                for (line_label, goal_label, seconds), figures in zip(names, results):
                    lines.append(report_line(line_label, figures) + (f"  (build {seconds:.1f} s)" if seconds else ""))
                    print(lines[-1], flush=True)
                    goals.append(goals_line(n, goal_label, figures))
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
