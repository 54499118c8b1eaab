"""Time of `registry extract` as the plan doubles: the adversarial inputs of issues 15 and 22 and the plans repeated.

    python benchmarks/extract_scaling.py [--results benchmarks/EXTRACT_SCALING.md] [--cases a,b]
                                         [--scales 1,2,4,8] [--runs 3] [--memory]

What is timed is what a user meets: the wall-clock time of the command `registry extract FILE -o
CANDIDATES.csv --targets TARGETS.csv`, start-up included, which reads the file, repairs the text,
finds the candidate projects and their fields, finds the targets and writes both CSV files: every
stage of extraction. The child runs `from registry.cli import main; main()` (what the `registry`
console script runs) with this tree first on PYTHONPATH, so the code measured is this checkout's even
when the venv was installed from another one. (`registry add-plan` runs the same extraction plus the
recall net of possible projects, whose own scaling `python benchmarks/recall_net.py` reports.)

Each case builds an input at 1×, 2×, 4× and 8× its base size and writes it to a .txt file: its
builder's title line (a city's 碳达峰实施方案, so extract reads the area from it), then a fixed
paragraph of ~200 Chinese characters (extract refuses a text with fewer as "not a plan"; it names no
project or target), then the case. --max-bytes is raised past the largest input. The figure is the
median of --runs runs (3). The 1-minute load average is printed at the start and the end: the
machine is shared, and wall time counts the neighbours too.

The start-up of the command (imports, the division list) is a fixed cost that flattens ratios: it
is measured as the median of 3 extracts of a tiny plan (and `registry --version` for comparison),
and the ratios per doubling are computed on the time minus that fixed cost. A linear stage gives
about 2.0 per doubling, a quadratic one 4.0; the target is ≤ 2.2 for the fitted ratio (2 to the
slope of log time against log size over all sizes). The base sizes are chosen so that every case
does about a quarter of a second of work beyond the start-up at 1× (a ratio of start-up noise says
nothing).

"the plans, joined and repeated" is the 28 plans of plans/ (national, 22 provinces, 3 cities, 2
counties; 1.25 MB), one after another in a single text repeated 1, 2, 4, 8 times, extracted as one
plan with the first plan's area code. `--memory` also extracts that text repeated to ~20 MB through
the same command (--max-bytes raised; the default refuses a file over 10 MB), once, and reports its
wall time and the peak resident memory of the whole child process (os.wait4).
"""
from __future__ import annotations

import argparse
import csv
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "plans"
TITLE = "孝感市碳达峰实施方案\n"
# After each case's title line: extract refuses a text of fewer than 200 Chinese characters as not
# a plan. It names no project and no target, so it adds a constant to every size.
PREAMBLE = ("为深入贯彻党中央、国务院关于碳达峰碳中和重大战略决策，扎实推进全市碳达峰工作，结合实际，制定本方案。"
            "以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大精神，深入贯彻习近平生态文明思想，"
            "落实省委、省政府部署安排，坚持稳中求进工作总基调，立足新发展阶段，完整、准确、全面贯彻新发展理念，"
            "构建新发展格局，坚持生态优先、绿色发展，把碳达峰、碳中和纳入经济社会发展和生态文明建设总体布局，"
            "坚持系统观念，处理好发展和减排、整体和局部、长远目标和短期目标、政府和市场的关系。\n")
TINY = TITLE + PREAMBLE + "推进星甲光伏电站项目建设。\n"
# `registry ...` as the console script runs it, on this tree's code.
COMMAND = [sys.executable, "-c", "import sys; from registry.cli import main; sys.exit(main())"]
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
START_UP_BOUND = 0.1  # seconds above the fixed cost at 1× under which a case's ratios are start-up noise
# Name-like strings that are no place of the city: distinct for every i.
_SYLLABLES = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"


def _word(i: int) -> str:
    out = ""
    while True:
        out += _SYLLABLES[i % len(_SYLLABLES)]
        i //= len(_SYLLABLES)
        if not i:
            return "星" + out + "坪"


def _documents() -> dict[str, dict]:
    with open(PLANS / "documents.csv", newline="", encoding="utf-8") as handle:
        return {row["doc_id"]: row for row in csv.DictReader(handle)}


# name -> (base size, builder(size) -> text). Each base size gives about a quarter of a second of work at 1×
# (2026-12-07, on this machine), so that the ratios measure the work, not the start-up's scatter: 8× is
# 500,000 digits, 8,000,000 blanks, 8,000 names, 8,000 headings (issue 15 measured 20,000, 40,000, 4,000, 50,000).
CASES = {
    "digit run (推进甲乙、1…1光伏电站项目。)": (62_500, lambda n: TITLE + "推进甲乙、" + "1" * n + "光伏电站项目。"),
    "whitespace run, no newline": (1_000_000, lambda n: TITLE + "推进" + " " * n + "光伏电站项目。"),
    "distinct project names": (1_000, lambda n: TITLE + "".join(f"推进{_word(i)}光伏电站项目建设。" for i in range(n))),
    "one sentence, many names": (1_000, lambda n: TITLE + "推进" + "、".join(f"{_word(i)}光伏电站" for i in range(n)) + "等项目建设。"),
    "one clause, many heads": (800, lambda n: TITLE + "加快" + "".join(f"{_word(i)}光伏电站项目和" for i in range(n)) + "建设。"),
    "table rows with tabs": (1_000, lambda n: TITLE + "".join(f"{i}\t{_word(i)}风电项目\t孝昌县\t10万千瓦\n" for i in range(n))),
    "one clause that forbids, many names": (1_500, lambda n: TITLE + "原则上不新建" + "、".join(f"{_word(i)}燃煤电厂" for i in range(n)) + "。"),
    "targets, no semicolon in the text": (2_000, lambda n: TITLE + "到2025年，星甲光伏装机达到10万千瓦。" * n),
    "key-project list of factories": (1_000, lambda n: TITLE + "推进" + "、".join(f"{_word(i)}新材料" for i in range(n)) + "等项目建设。"),
    "systems joined by 和": (1_000, lambda n: TITLE + "加快推进" + "和".join(f"{_word(i)}回收网络体系" for i in range(n)) + "收转运体系建设项目。"),
    "zones named 以…为依托": (1_250, lambda n: TITLE + "以" + "、".join(f"{_word(i)}循环经济示范区" for i in range(n)) + "为依托，推进星甲风电项目建设。"),
    "Chinese numeral run (推进甲乙、一…一万千瓦光伏电站项目)": (62_500, lambda n: TITLE + "推进甲乙、" + "一" * n + "万千瓦光伏电站项目"),
    "list sharing a facility (甲、乙…等地区燃煤机组替代)": (1_000, lambda n: TITLE + "推进" + "、".join(_word(i) for i in range(n))
                                                     + "等地区燃煤机组等容量替代。"),
    "list going on past headed items": (1_000, lambda n: TITLE + "推进" + "、".join(
        f"{_word(i)}电厂" if i % 2 else f"{_word(i)}二期" for i in range(n)) + "等清洁煤电项目建设。"),
    "company list, one neighbour typed": (1_000, lambda n: TITLE + "推进星甲热电公司、" + "、".join(
        f"{_word(i)}水泥" for i in range(n)) + "等企业节能改造项目。"),
    "DC lines named by two characters": (1_500, lambda n: TITLE + "".join(f"提高{_word(i)[-2:]}直流利用率。" for i in range(n))),
    "headings": (1_000, lambda n: TITLE + "".join(f"（一）第{i}节\n推进{_word(i)}光伏电站项目建设。\n" for i in range(n))),
    # the province plans' patterns (extract2)
    "a kind spread over places (在甲、乙…等地建设…风电)": (2_500, lambda n: TITLE + "在" + "、".join(
        f"{_word(i)}区" for i in range(n)) + "等地建设集中连片风电。"),
    "places spread, one clause each": (750, lambda n: TITLE + "".join(
        f"在{_word(i)}区、{_word(i + 1)}区建设集中连片风电。" for i in range(n))),
    "list groups parted by commas (…，…等水电站)": (5_000, lambda n: TITLE + "新建" + "，".join(
        f"{_word(i)}江{_word(i + 1)}" for i in range(n)) + "等水电站。"),
    "short pairs sharing a noun (甲和乙气田)": (500, lambda n: TITLE + "推进" + "、".join(
        f"{_word(i)}和{_word(i + 1)}气田" for i in range(n)) + "滚动开发等项目。"),
    "values before their nouns (具备5%以上的…能力)": (2_500, lambda n: TITLE + "到2025年，具备5%以上的尖峰负荷响应能力。" * n),
    "a paragraph's opening year, then sentences": (1_250, lambda n: TITLE + "".join(
        f"到2025年，目标如下。{_word(i)}覆盖率达到8%；" for i in range(n))),
    # extract3
    "cities' own sections of a province plan": (750, lambda n: "湖北省碳达峰实施方案\n" + "".join(
        f"宜昌市。打造{_word(i)}千亿级零碳产业园。" for i in range(n))),
    "networks named by their layout": (1_250, lambda n: TITLE + "".join(f"构建{_word(i)}三横两纵环网结构。" for i in range(n))),
    "one clause, many layouts": (1_000, lambda n: TITLE + "构建" + "、".join(f"{_word(i)}三横两纵" for i in range(n)) + "环网结构。"),
    "deposits developed (甲油区…规模化开发)": (750, lambda n: TITLE + "".join(
        f"加快推进{_word(i)}油区页岩气规模化开发。" for i in range(n))),
    "power delivered into a province, listed": (1_000, lambda n: TITLE + "推进" + "、".join(
        f"{_word(i)}电送鄂" for i in range(n)) + "电力通道建设。"),
    # issue 22: runs of punctuation and list marks, and one sentence of many targets (each target looked up
    # its year and its subject in the sentence up to it: quadratic until issue 22)
    "a run of 、 (推进甲乙、、…光伏电站项目)": (8_000, lambda n: TITLE + "推进甲乙" + "、" * n + "光伏电站项目。"),
    "digits parted by 、 (推进甲乙1、1、…光伏电站项目)": (10_000, lambda n: TITLE + "推进甲乙" + "1、" * n + "光伏电站项目。"),
    "a run of commas": (200_000, lambda n: TITLE + "推进甲乙" + "，" * n + "光伏电站项目。"),
    "one sentence, many targets (…比重达到1%，…全覆盖，…分别达到…)": (400, lambda n: TITLE + "到2025年，" + (
        "甲乙比例稳步提升，比重达到1%，乙丙实现全覆盖，丁、戊分别达到1%、2%，具备5%以上的尖峰负荷响应能力，") * n + "。"),
}



def _fitted_ratio(scales: list[int], times: list[float]) -> float:
    """2 ** (least-squares slope of log2 time against log2 size): the growth per doubling over all sizes."""
    xs, ys = [math.log2(s) for s in scales], [math.log2(max(t, 1e-3)) for t in times]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = (sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys))
             / sum((x - mean_x) ** 2 for x in xs))
    return 2 ** slope


def _registry(*args: str) -> tuple[float, float]:
    """Run `registry ARGS` to the end; its wall-clock and CPU (user + system) seconds. Its output goes
    nowhere, as a user's scrolls by."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        child = subprocess.Popen([*COMMAND, *args], env=ENV, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(child.pid, 0)  # this child's own rusage, not every child's so far
        seconds = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status):
            errors.seek(0)
            raise SystemExit(f"registry {' '.join(args)} failed: {errors.read().decode(errors='replace').strip()}")
    return seconds, usage.ru_utime + usage.ru_stime


def _extract_args(plan: Path, *options: str) -> list[str]:
    """`registry extract PLAN` writing its candidates and targets beside it, with no size cap in the way."""
    return ["extract", str(plan), "-o", str(plan.with_suffix(".candidates.csv")), "--targets",
            str(plan.with_suffix(".targets.csv")), "--no-progress", "--max-bytes", str(max(plan.stat().st_size, 1)),
            *options]


def _rows(plan: Path) -> tuple[int, int]:
    """Candidate projects and targets `registry extract` wrote for `plan`."""
    def count(path: Path) -> int:
        with open(path, newline="", encoding="utf-8") as handle:
            return sum(1 for _ in csv.DictReader(handle))
    return count(plan.with_suffix(".candidates.csv")), count(plan.with_suffix(".targets.csv"))


def _timed(plan: Path, runs: int, *options: str) -> tuple[tuple[float, float], tuple[int, int]]:
    """Median wall and median CPU seconds of `runs` extracts of `plan`, and the rows found."""
    times = [_registry(*_extract_args(plan, *options)) for _ in range(runs)]
    return (statistics.median(w for w, _ in times), statistics.median(c for _, c in times)), _rows(plan)


def _time_case(work: Path, text: str, runs: int) -> tuple[tuple[float, float], tuple[int, int]]:
    work.mkdir(parents=True)
    plan = work / "plan.txt"
    title, _, body = text.partition("\n")
    plan.write_text(f"{title}\n{PREAMBLE}{body}", encoding="utf-8")
    return _timed(plan, runs)


def _joined_plans() -> tuple[str, list[str]]:
    """The text of every plan of plans/, one after another, and the extract option that names its area."""
    documents = list(_documents().values())
    text = "\n".join((PLANS / meta["file"]).read_text(encoding="utf-8") for meta in documents)
    return text, ["--area-code", documents[0]["city_code"]]


def _plans_repeated(work: Path, copies: int, runs: int) -> tuple[tuple[float, float], tuple[int, int]]:
    """Median wall and CPU time of extracting the plans of plans/, joined and repeated `copies` times, as one plan."""
    work.mkdir(parents=True)
    text, options = _joined_plans()
    plan = work / "plans.txt"
    plan.write_text("\n".join([text] * copies), encoding="utf-8")
    return _timed(plan, runs, *options)


def _plans_size() -> int:
    return sum((PLANS / meta["file"]).stat().st_size for meta in _documents().values())


def _fixed_cost(work: Path) -> tuple[tuple[float, float], tuple[float, float]]:
    """Wall and CPU medians of 3 of `registry --version` and of extract of a one-sentence plan: the start-up."""
    versions = [_registry("--version") for _ in range(3)]
    seconds, _ = _time_case(work, TINY, 3)
    return (statistics.median(w for w, _ in versions), statistics.median(c for _, c in versions)), seconds


def _memory_run(work: Path, megabytes: int) -> str:
    """Wall time and peak RSS of extracting the plans, joined and repeated to `megabytes` MB, as one plan."""
    text, options = _joined_plans()
    copies = max(1, megabytes * 1_000_000 // len(text.encode()))
    work.mkdir(parents=True)
    plan = work / "plans.txt"
    plan.write_text("\n".join([text] * copies), encoding="utf-8")
    args = _extract_args(plan, *options)
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        child = subprocess.Popen([*COMMAND, *args], env=ENV, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(child.pid, 0)  # this child's own rusage, not every child's so far
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode:
            errors.seek(0)
            raise SystemExit(f"registry {' '.join(args)} failed: {errors.read().decode(errors='replace').strip()}")
    projects, targets = _rows(plan)
    return (f"- the {len(_documents())} plans of plans/ ({_plans_size() / 1e6:.2f} MB), joined and repeated {copies} "
            f"time{'s' if copies > 1 else ''} to {plan.stat().st_size / 1e6:.1f} MB, extracted as one plan by `registry extract` "
            f"(one run, --max-bytes raised): {seconds:.1f} s wall, peak resident memory of the whole command "
            f"{usage.ru_maxrss / 1024:.0f} MB; {projects} candidate projects, {targets} targets")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, help="also write the figures to this markdown file")
    parser.add_argument("--cases", help="comma-separated substrings of case names to run (default: all)")
    parser.add_argument("--scales", default="1,2,4,8")
    parser.add_argument("--runs", type=int, default=3, help="runs per case and size; the median is reported")
    parser.add_argument("--memory", action="store_true", help="also extract the plans repeated to 20 MB, once")
    parser.add_argument("--memory-mb", type=int, default=20, help="the size of that run (default: 20 MB)")
    parser.add_argument("--jobs", type=int, default=1, help="cases measured at once (default 1; the ratios use CPU "
                        "time, which parallel cases do not inflate as they do the wall time)")
    args = parser.parse_args()
    scales = [int(s) for s in args.scales.split(",")]
    load_start, clock, started = os.getloadavg()[0], time.perf_counter(), datetime.now()
    print(f"load average (1 min) at the start: {load_start:.2f}", flush=True)
    wanted = args.cases.split(",") if args.cases else None
    plans_name = "the plans, joined and repeated"
    cases = [(name, case) for name, case in [*CASES.items(), (plans_name, (1, None))]
             if not wanted or any(w in name for w in wanted)]
    plans_size = _plans_size()

    with tempfile.TemporaryDirectory(prefix="extract-scaling-") as folder:
        work = Path(folder)
        (version, version_cpu), (fixed_wall, fixed) = _fixed_cost(work / "fixed")
        print(f"fixed cost: `registry --version` {version:.3f} s wall, {version_cpu:.3f} s CPU; extract of a one-sentence "
              f"plan {fixed_wall:.3f} s wall, {fixed:.3f} s CPU (medians of 3); ratios below are on the CPU time minus "
              "this extract's", flush=True)
        lines = [f"| case | base size | {' | '.join(f'{s}× CPU s (wall)' for s in scales)} | ratio per doubling "
                 "(CPU minus fixed cost) | fitted ratio (CPU minus fixed cost) | projects / targets at 1× |",
                 "|---|---|" + "---|" * len(scales) + "---|---|---|"]
        fitted_all: dict[str, float] = {}
        bound: list[str] = []  # cases whose work at 1× is within the start-up's scatter

        def measure(number: int, name: str, base: int, build) -> tuple[str, float, bool]:
            times, walls, rows = [], [], None
            for scale in scales:
                where = work / f"case{number}" / f"x{scale}"
                if build is None:
                    (wall, seconds), found = _plans_repeated(where, scale, args.runs)
                else:
                    (wall, seconds), found = _time_case(where, build(base * scale), args.runs)
                times.append(seconds)
                walls.append(wall)
                rows = rows or found
                print(f"{name:40s} {scale:2d}×  {seconds:8.3f} s CPU {wall:8.3f} s wall  {' / '.join(map(str, found))} "
                      "projects / targets", flush=True)
                shutil.rmtree(where)
            net = [max(t - fixed, 1e-3) for t in times]
            ratios = [b / a for a, b in zip(net, net[1:])]
            fitted, startup_bound = _fitted_ratio(scales, net), times[0] - fixed < START_UP_BOUND
            size = (f"{plans_size / 1e6:.2f} MB (the {len(_documents())} plans of plans/)" if build is None
                    else f"{len(build(base)):,} chars")
            return (f"| {name} | {size} | " + " | ".join(f"{t:.2f} ({w:.2f})" for t, w in zip(times, walls)) + " | "
                    + ", ".join(f"{r:.2f}" for r in ratios) + f" | {fitted:.2f}{'*' if startup_bound else ''} | "
                    + " / ".join(map(str, rows)) + " |"), fitted, startup_bound

        # --jobs cases at a time (each a chain of child processes): CPU time, which the ratios use, is each
        # child's own; only the wall times grow with the neighbours.
        with ThreadPoolExecutor(args.jobs) as pool:  # the longest case, the plans repeated, first
            order = sorted(range(len(cases)), key=lambda number: cases[number][1][1] is not None)
            futures = {n: pool.submit(measure, n, cases[n][0], *cases[n][1]) for n in order}
            measured_cases = [futures[n].result() for n in range(len(cases))]
        for (name, _case), (line, fitted, startup_bound) in zip(cases, measured_cases):
            lines.append(line)
            fitted_all[name] = fitted
            if startup_bound:
                bound.append(name)
        memory = _memory_run(work / "memory", args.memory_mb) if args.memory else ""
    load_end, minutes = os.getloadavg()[0], (time.perf_counter() - clock) / 60
    print(f"load average (1 min) at the end: {load_end:.2f}", flush=True)
    measured = {name: ratio for name, ratio in fitted_all.items() if name not in bound}
    worst = max(measured, key=measured.get) if measured else ""
    report = "\n".join([
        "# Time of `registry extract` as the plan doubles",
        "",
        f"Written by `python benchmarks/extract_scaling.py --memory{f' --jobs {args.jobs}' if args.jobs > 1 else ''} "
        "--results benchmarks/EXTRACT_SCALING.md`.",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs shared with other engineers' work, Python "
        f"{platform.python_version()}; run of {started:%Y-%m-%d %H:%M}, {minutes:.0f} minutes; load average "
        f"(1 min) {load_start:.2f} at the start and {load_end:.2f} at the end.",
        "",
        "Each figure is the time of the whole command `registry extract FILE -o CANDIDATES.csv --targets "
        "TARGETS.csv` (start-up, reading, repairing the text, the candidate projects and their fields, the targets, "
        f"writing both files): its CPU time (user + system, of the child process) and in brackets its wall-clock "
        f"time, each the median of {args.runs} runs. The ratios are computed on the CPU time, which the neighbours' "
        "load on this shared machine does not inflate as it does the wall time, minus the command's fixed cost, "
        f"extract of a one-sentence plan: {fixed:.3f} s CPU, {fixed_wall:.3f} s wall (`registry --version`: "
        f"{version_cpu:.3f} s CPU, {version:.3f} s wall; medians of 3), since a constant flattens them towards 1.",
        "",
        *lines,
        "",
        *([f"Worst fitted ratio per doubling: {measured[worst]:.2f} ({worst}; target ≤ 2.2, a quadratic stage "
           "gives 4). The fitted ratio (2 to the slope of log time against log size over all sizes) is the figure "
           "held against the target: single doublings move by ±10 % from run to run on this shared machine.", ""]
          if worst else []),
        *([f"\\* {len(bound)} case{'s' if len(bound) > 1 else ''} took less than {START_UP_BOUND} s more than the fixed "
           "cost at 1×: their times are mostly start-up, whose own runs scatter by about a tenth of a second, so "
           "their ratios are noise and are left out of the worst fitted ratio: read their time at 8× against "
           "the fixed cost instead."] if bound else []),
        "",
        *([memory, ""] if memory else []),
        "Earlier runs, and how they were timed: `git log -p benchmarks/EXTRACT_SCALING.md`. Only the figures above "
        "are this tree's; every one of them is rewritten by the command at the top.",
    ]).rstrip() + "\n"
    print(report)
    if args.results:
        args.results.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
