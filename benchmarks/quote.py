"""Quote a benchmark's last output in the README or the manual (a cog block), so that no figure there is typed
by hand: `python -m benchmarks` writes benchmarks/results/NAME.md, then runs cog, which calls

    from benchmarks import quote
    cog.outl(quote.table("slow_clients"))

and the page shows the table that run printed, under a line saying which command made it, when, and under
what load average (the machine is shared: a figure taken under load is an upper bound).
"""
from __future__ import annotations

import re
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def table(name: str, prefix: str = "") -> str:
    """The Markdown table(s) of the last `python -m benchmarks --only NAME`, with where it came from; `prefix`
    leads the link to the results file from the quoting page (`../../` from docs/manual/)."""
    path = RESULTS / f"{name}.md"
    if not path.is_file():
        return f"(no result yet: run `python -m benchmarks --only {name}`)"
    text = path.read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("|")]
    ran = re.search(r"at (\d{4}-\d\d-\d\d \d\d:\d\d UTC) on tree (\w+).*?load average ([\d.]+) before", text)
    source = (f"`python -m benchmarks --only {name}`, {ran.group(1)}, tree {ran.group(2)}, load average "
              f"{ran.group(3)} on 2 CPUs" if ran else f"`python -m benchmarks --only {name}`")
    return "\n".join(rows) + f"\n\n({source}; the whole output: [benchmarks/results/{name}.md]" + \
        f"({prefix}benchmarks/results/{name}.md))"


def scaling(prefix: str = "") -> str:
    """The extraction benchmark in two sentences: the worst fitted ratio per doubling of `registry extract` over
    every case, the issue's digit run and the 28 plans repeated, from benchmarks/EXTRACT_SCALING.md."""
    path = RESULTS.parent / "EXTRACT_SCALING.md"
    if not path.is_file():
        return "(no result yet: run `python -m benchmarks --only extract_scaling`)"
    text = path.read_text(encoding="utf-8").split("\n## History")[0]
    run = re.search(r"run of (\d{4}-\d\d-\d\d \d\d:\d\d).*?load average \(1 min\) ([\d.]+) at the start", text)
    worst = re.search(r"Worst fitted ratio per doubling: ([\d.]+) \(([^;]+);", text)
    rows = {cells[1].strip(): cells for cells in (line.split("|") for line in text.splitlines() if line.startswith("| "))
            if cells[1].strip() != "case"}

    def fitted(prefix_of_case: str) -> str:
        for case, cells in rows.items():
            if case.startswith(prefix_of_case):
                return cells[8].strip()
        return "?"

    if not (run and worst):
        return "(the extraction benchmark's file has no result table)"
    return (f"`registry extract` on files, every stage timed (CPU time minus the start-up, medians of 3; run of "
            f"{run.group(1)} UTC, load average {run.group(2)}): the worst fitted ratio per doubling over "
            f"{len(rows)} inputs is **{worst.group(1)}** ({worst.group(2)}; a quadratic stage gives 4), the digit "
            f"run of issue 22 {fitted('digit run')}, the 28 plans joined and repeated {fitted('the plans')} "
            f"([benchmarks/EXTRACT_SCALING.md]({prefix}benchmarks/EXTRACT_SCALING.md)).")


def _printed(name: str) -> tuple[str, str] | None:
    """What the last `python -m benchmarks --only NAME` printed (its code block), and when, on which tree and
    under what load it ran; None before its first run."""
    path = RESULTS / f"{name}.md"
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    block = re.search(r"```\n(.*?)```", text, flags=re.S)
    ran = re.search(r"at (\d{4}-\d\d-\d\d \d\d:\d\d UTC) on tree (\w+).*?load average ([\d.]+) before", text)
    where = f"{ran.group(1)}, tree {ran.group(2)}, load average {ran.group(3)} on 2 CPUs" if ran else ""
    return (block.group(1) if block else text), where


def output(name: str, prefix: str = "") -> str:
    """A benchmark's printed output as it ran (a code block), with where it came from: for the benchmarks
    that print lines rather than a table."""
    printed = _printed(name)
    if printed is None:
        return f"(no result yet: run `python -m benchmarks --only {name}`)"
    body, where = printed
    return (f"```\n{body}```\n\n(`python -m benchmarks --only {name}`, {where or 'its last run'}; "
            f"[benchmarks/results/{name}.md]({prefix}benchmarks/results/{name}.md))")


def markdown(name: str, prefix: str = "") -> str:
    """A benchmark's printed output as Markdown (for the benchmarks that print Markdown: tables and paragraphs),
    with where it came from."""
    printed = _printed(name)
    if printed is None:
        return f"(no result yet: run `python -m benchmarks --only {name}`)"
    body, where = printed
    source = f"`python -m benchmarks --only {name}`" + (f", {where}" if where else "")
    return f"{body.strip()}\n\n({source}; the whole output: " \
           f"[benchmarks/results/{name}.md]({prefix}benchmarks/results/{name}.md))"


def speed(prefix: str = "") -> str:
    """Issue 25's figures in one table for the README: the map painted, the build and the exports against their
    baselines and floors, each cell read from the last run of its benchmark (benchmarks/results/)."""
    def text(name: str) -> str:
        path = RESULTS / f"{name}.md"
        return path.read_text(encoding="utf-8") if path.is_file() else ""

    def when(name: str) -> str:
        ran = re.search(r"at (\d{4}-\d\d-\d\d) (\d\d:\d\d) UTC on tree (\w+).*?load average ([\d.]+) before", text(name))
        return f"[{name}]({prefix}benchmarks/results/{name}.md) {ran.group(2)}, load {ran.group(4)}" if ran else \
            f"{name}: not run yet"

    rows = []
    maps = text("map_browser")
    for n, short, draw_goal, move_goal in (("100,000", "100k", 700, 120), ("1,000,000", "1M", 900, 150)):
        ours = re.search(rf"N={n} this branch\s+first draw\s+(\d+) ms.*?move\s+(\d+) ms.*?server peak\s+(\d+) MB", maps)
        base = re.search(rf"N={n} (\w+) \(baseline\)\s+first draw\s+(\d+) ms.*?move\s+(\d+) ms.*?server peak\s+(\d+) MB", maps)
        if ours:
            rows.append(f"| map {short}, first draw | **{ours[1]} ms** | {base[1] + ': ' + base[2] + ' ms' if base else ''} | ≤ {draw_goal} ms |")
            rows.append(f"| map {short}, a move | **{ours[2]} ms** | {base[1] + ': ' + base[3] + ' ms' if base else ''} | ≤ {move_goal} ms |")
            if n == "1,000,000":
                rows.append(f"| a server worker, {short} | **{ours[3]} MB** | {base[1] + ': ' + base[4] + ' MB' if base else ''} | ≤ 120 MB |")
    build = text("build")
    for n, short, peak_goal in (("100,000", "100k", 150), ("1,000,000", "1M", 200)):
        ours = re.search(rf"\| {n} \| `registry build` \| ([\d.]+) s \|[^|]*\| ([\d.]+)× \| (\d+) MB \|", build)
        floor = re.search(rf"\| {n} \| floor[^|]*\| ([\d.]+) s \|", build)
        if ours:
            rows.append(f"| `registry build`, {short} | **{ours[1]} s = {ours[2]}×**, {ours[3]} MB "
                        f"| sqlite3 + FTS5: {floor[1] if floor else '?'} s | ≤ 3×, ≤ {peak_goal} MB |")
    for name, n in (("exports", "100k"), ("exports_1m", "1M")):
        exports = text(name)
        for fmt, floor_name, goal in (("xlsx", "xlsxwriter constant_memory", "≤ 1.1×"), ("csv", "csv module", "≤ 1.5×")):
            row = re.search(rf"^\| {fmt} \| ([\d.]+) \| ([\d.]+) \| \*\*([\d.]+)×\*\* \| ([\d.]+)× \| (\d+) \|", exports, re.M)
            if row:
                rows.append(f"| `export --format {fmt}`, {n} | **{row[1]} s = {row[3]}×**, {row[5]} MB "
                            f"| {floor_name}: {row[2]} s | {goal} |")
    startup = re.findall(r"^\| `registry export --format (\w+)`, no row kept \| ([\d.]+) \|", text("exports"), re.M)
    if startup:
        rows.append(f"| `export` start-up | **{' / '.join(s for _, s in startup)} s** "
                    f"({' / '.join(f for f, _ in startup)}) | | < 0.5 s |")
    sources = "; ".join(when(name) for name in ("map_browser", "build", "exports", "exports_1m"))
    day = re.search(r"at (\d{4}-\d\d-\d\d) ", text("map_browser"))
    return ("| measure | this tree | baseline or floor, same run | goal |\n|---|---|---|---|\n" + "\n".join(rows)
            + f"\n\n(medians of 9 page loads for the map's first draw, of 6 moves, of 5 runs for the build, of 3 for the exports; `python -m benchmarks`{', ' + day.group(1) + ' UTC' if day else ''}: {sources})")
