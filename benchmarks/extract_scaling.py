"""Time of `registry add-plan` as the plan doubles: the adversarial inputs of issue 15 and the plans repeated.

    python benchmarks/extract_scaling.py [--results benchmarks/EXTRACT_SCALING.md] [--cases a,b]
                                         [--scales 1,2,4,8] [--runs 3] [--memory]

What is timed is what a user meets: the wall-clock time of the command `registry --root DIR add-plan
FILE`, start-up included, which reads the file, extracts the candidate projects and the targets, runs
the recall net of possible projects (registry/extract/net.py) and writes the plan's files. The child
runs `from registry.cli import main; main()` (what the `registry` console script runs) with this tree
first on PYTHONPATH, so the code measured is this checkout's even when the venv was installed from
another one.

Each case builds an input at 1×, 2×, 4× and 8× its base size and writes it to a .txt file: its
builder's title line (a city's 碳达峰实施方案, so add-plan reads the area from it), then a fixed
paragraph of ~200 Chinese characters (add-plan refuses a text with fewer as "not a plan"; it names no
project or target), then the case. `registry init` makes one empty registry per case and size,
outside the timing; each run adds the plan to a fresh copy of it (add-plan refuses a plan the
registry already holds). The figure is the median of --runs runs (3). The 1-minute load average is
printed at the start and the end: the machine is shared, and wall time counts the neighbours too.

The start-up of the command (imports, the division list) is a fixed cost that flattens ratios: it
is measured as the median of 3 add-plans of a tiny plan (and `registry --version` for comparison),
and the ratios per doubling are computed on the time minus that fixed cost. A linear stage gives
about 2.0 per doubling, a quadratic one 4.0; the target is ≤ 2.2 for the fitted ratio (2 to the
slope of log time against log size over all sizes).

"the plans, joined and repeated" is the 28 plans of plans/ (national, 22 provinces, 3 cities, 2
counties; 1.25 MB), one after another in a single text repeated 1, 2, 4, 8 times, added as one plan
with the first plan's id, title and area code (one command per run: 28 commands per run, each with
its start-up, would not fit the run in ~12 minutes). `--memory` also adds that text repeated to
~20 MB through the same command (with --max-bytes raised to the file's size: add-plan, like `registry
extract`, refuses a file over 10 MB by default), once, and reports its wall time and the peak
resident memory of the whole child process (os.wait4).

The base sizes are half those of the earlier CPU-time version (headings a quarter): see CASES.
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
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "plans"
TITLE = "孝感市碳达峰实施方案\n"
# After each case's title line: add-plan refuses a text of fewer than 200 Chinese characters as not
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
HISTORY = "## History"
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


# name -> (base size, builder(size) -> text). The base sizes are half those of the CPU-time version of this
# benchmark (headings a quarter), so that 3 timed commands per case and size, each with its start-up, fit in
# ~12 minutes: 8× is 100,000 digits, 400,000 blanks, 2,000 names, 12,800 headings (issue 15: 20,000,
# 40,000, 4,000, 50,000).
CASES = {
    "digit run (推进甲乙、1…1光伏电站项目)": (12_500, lambda n: TITLE + "推进甲乙、" + "1" * n + "光伏电站项目"),
    "whitespace run, no newline": (50_000, lambda n: TITLE + "推进" + " " * n + "光伏电站项目。"),
    "distinct project names": (250, lambda n: TITLE + "".join(f"推进{_word(i)}光伏电站项目建设。" for i in range(n))),
    "one sentence, many names": (250, lambda n: TITLE + "推进" + "、".join(f"{_word(i)}光伏电站" for i in range(n)) + "等项目建设。"),
    "one clause, many heads": (250, lambda n: TITLE + "加快" + "".join(f"{_word(i)}光伏电站项目和" for i in range(n)) + "建设。"),
    "table rows with tabs": (500, lambda n: TITLE + "".join(f"{i}\t{_word(i)}风电项目\t孝昌县\t10万千瓦\n" for i in range(n))),
    "one clause that forbids, many names": (250, lambda n: TITLE + "原则上不新建" + "、".join(f"{_word(i)}燃煤电厂" for i in range(n)) + "。"),
    "targets, no semicolon in the text": (2_000, lambda n: TITLE + "到2025年，星甲光伏装机达到10万千瓦。" * n),
    "key-project list of factories": (250, lambda n: TITLE + "推进" + "、".join(f"{_word(i)}新材料" for i in range(n)) + "等项目建设。"),
    "systems joined by 和": (250, lambda n: TITLE + "加快推进" + "和".join(f"{_word(i)}回收网络体系" for i in range(n)) + "收转运体系建设项目。"),
    "zones named 以…为依托": (250, lambda n: TITLE + "以" + "、".join(f"{_word(i)}循环经济示范区" for i in range(n)) + "为依托，推进星甲风电项目建设。"),
    "Chinese numeral run (推进甲乙、一…一万千瓦光伏电站项目)": (12_500, lambda n: TITLE + "推进甲乙、" + "一" * n + "万千瓦光伏电站项目"),
    "list sharing a facility (甲、乙…等地区燃煤机组替代)": (250, lambda n: TITLE + "推进" + "、".join(_word(i) for i in range(n))
                                                     + "等地区燃煤机组等容量替代。"),
    "list going on past headed items": (250, lambda n: TITLE + "推进" + "、".join(
        f"{_word(i)}电厂" if i % 2 else f"{_word(i)}二期" for i in range(n)) + "等清洁煤电项目建设。"),
    "company list, one neighbour typed": (250, lambda n: TITLE + "推进星甲热电公司、" + "、".join(
        f"{_word(i)}水泥" for i in range(n)) + "等企业节能改造项目。"),
    "DC lines named by two characters": (1_000, lambda n: TITLE + "".join(f"提高{_word(i)[-2:]}直流利用率。" for i in range(n))),
    "headings": (1_600, lambda n: TITLE + "".join(f"（一）第{i}节\n推进{_word(i)}光伏电站项目建设。\n" for i in range(n))),
    # the province plans' patterns (extract2)
    "a kind spread over places (在甲、乙…等地建设…风电)": (250, lambda n: TITLE + "在" + "、".join(
        f"{_word(i)}区" for i in range(n)) + "等地建设集中连片风电。"),
    "places spread, one clause each": (500, lambda n: TITLE + "".join(
        f"在{_word(i)}区、{_word(i + 1)}区建设集中连片风电。" for i in range(n))),
    "list groups parted by commas (…，…等水电站)": (250, lambda n: TITLE + "新建" + "，".join(
        f"{_word(i)}江{_word(i + 1)}" for i in range(n)) + "等水电站。"),
    "short pairs sharing a noun (甲和乙气田)": (250, lambda n: TITLE + "推进" + "、".join(
        f"{_word(i)}和{_word(i + 1)}气田" for i in range(n)) + "滚动开发等项目。"),
    "values before their nouns (具备5%以上的…能力)": (1_000, lambda n: TITLE + "到2025年，具备5%以上的尖峰负荷响应能力。" * n),
    "a paragraph's opening year, then sentences": (1_000, lambda n: TITLE + "".join(
        f"到2025年，目标如下。{_word(i)}覆盖率达到8%；" for i in range(n))),
    # extract3
    "cities' own sections of a province plan": (500, lambda n: "湖北省碳达峰实施方案\n" + "".join(
        f"宜昌市。打造{_word(i)}千亿级零碳产业园。" for i in range(n))),
    "networks named by their layout": (500, lambda n: TITLE + "".join(f"构建{_word(i)}三横两纵环网结构。" for i in range(n))),
    "one clause, many layouts": (250, lambda n: TITLE + "构建" + "、".join(f"{_word(i)}三横两纵" for i in range(n)) + "环网结构。"),
    "deposits developed (甲油区…规模化开发)": (500, lambda n: TITLE + "".join(
        f"加快推进{_word(i)}油区页岩气规模化开发。" for i in range(n))),
    "power delivered into a province, listed": (250, lambda n: TITLE + "推进" + "、".join(
        f"{_word(i)}电送鄂" for i in range(n)) + "电力通道建设。"),
}



def _fitted_ratio(scales: list[int], times: list[float]) -> float:
    """2 ** (least-squares slope of log2 time against log2 size): the growth per doubling over all sizes."""
    xs, ys = [math.log2(s) for s in scales], [math.log2(max(t, 1e-3)) for t in times]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = (sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys))
             / sum((x - mean_x) ** 2 for x in xs))
    return 2 ** slope


def _registry(*args: str) -> float:
    """Run `registry ARGS` to the end; its wall-clock seconds. Its output goes nowhere, as a user's scrolls by."""
    started = time.perf_counter()
    done = subprocess.run([*COMMAND, *args], env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"registry {' '.join(args)} failed: {done.stderr.strip()}")
    return seconds


def _empty_registry(folder: Path) -> Path:
    template = folder / "empty"
    if not template.exists():
        _registry("init", str(template))
    return template


def _add_plan(template: Path, run: Path, plan: Path, *options: str) -> float:
    """Wall seconds of `registry --root RUN add-plan PLAN OPTIONS` into a fresh copy of the empty registry."""
    shutil.copytree(template, run)
    return _registry("--root", str(run), "add-plan", str(plan), *options)


def _rows(run: Path) -> tuple[int, int, int]:
    """Candidate projects, targets and possible projects add-plan wrote into the registry folder `run`."""
    def count(pattern: str) -> int:
        total = 0
        for path in (run / "plans").glob(pattern):
            with open(path, newline="", encoding="utf-8") as handle:
                total += sum(1 for _ in csv.DictReader(handle))
        return total
    return count("*.candidates.csv"), count("*.candidate-targets.csv"), count("*.possible.csv")


def _time_case(work: Path, text: str, runs: int) -> tuple[float, tuple[int, int, int]]:
    work.mkdir(parents=True)
    plan = work / "plan.txt"
    title, _, body = text.partition("\n")
    plan.write_text(f"{title}\n{PREAMBLE}{body}", encoding="utf-8")
    template = _empty_registry(work)
    times = [_add_plan(template, work / f"run{i}", plan) for i in range(runs)]
    return statistics.median(times), _rows(work / f"run{runs - 1}")


def _joined_plans() -> tuple[str, list[str]]:
    """The text of every plan of plans/, one after another, and the add-plan options that name it."""
    documents = list(_documents().values())
    first = documents[0]
    text = "\n".join((PLANS / meta["file"]).read_text(encoding="utf-8") for meta in documents)
    return text, ["--doc-id", f"plans_{first['city_code']}", "--title", first["title"], "--area-code", first["city_code"]]


def _plans_repeated(work: Path, copies: int, runs: int) -> tuple[float, tuple[int, int, int]]:
    """Median wall time of adding the plans of plans/, joined and repeated `copies` times, as one plan."""
    work.mkdir(parents=True)
    text, options = _joined_plans()
    plan = work / "plans.txt"
    plan.write_text("\n".join([text] * copies), encoding="utf-8")
    template = _empty_registry(work)
    # add-plan refuses a plan over --max-bytes (10 MB by default), as extract does: this one is meant.
    options = [*options, "--max-bytes", str(plan.stat().st_size)]
    times = [_add_plan(template, work / f"run{i}", plan, *options) for i in range(runs)]
    return statistics.median(times), _rows(work / f"run{runs - 1}")


def _plans_size() -> int:
    return sum((PLANS / meta["file"]).stat().st_size for meta in _documents().values())


def _fixed_cost(work: Path) -> tuple[float, float]:
    """Median of 3 of `registry --version` and of add-plan of a one-sentence plan: the command's start-up."""
    version = statistics.median(_registry("--version") for _ in range(3))
    seconds, _ = _time_case(work, TINY, 3)
    return version, seconds


def _memory_run(work: Path, megabytes: int) -> str:
    """Wall time and peak RSS of adding the plans, joined and repeated to `megabytes` MB, as one plan."""
    text, options = _joined_plans()
    copies = max(1, megabytes * 1_000_000 // len(text.encode()))
    work.mkdir(parents=True)
    plan = work / "plans.txt"
    plan.write_text("\n".join([text] * copies), encoding="utf-8")
    run = work / "run"
    shutil.copytree(_empty_registry(work), run)
    args = ["--root", str(run), "add-plan", str(plan), *options, "--max-bytes", str(plan.stat().st_size)]
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        child = subprocess.Popen([*COMMAND, *args], env=ENV, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(child.pid, 0)  # this child's own rusage, not every child's so far
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode:
            errors.seek(0)
            raise SystemExit(f"registry {' '.join(args)} failed: {errors.read().decode(errors='replace').strip()}")
    projects, targets, possible = _rows(run)
    return (f"- the {len(_documents())} plans of plans/ ({_plans_size() / 1e6:.2f} MB), joined and repeated {copies} "
            f"time{'s' if copies > 1 else ''} to {plan.stat().st_size / 1e6:.1f} MB, added as one plan by `registry add-plan` (one run, "
            f"--max-bytes raised to its size): {seconds:.1f} s wall, peak resident memory of the whole command "
            f"{usage.ru_maxrss / 1024:.0f} MB; {projects} candidate projects, {targets} targets, {possible} possible "
            "projects")


def _history(path: Path | None) -> str:
    """The results file's hand-written history (from its "## History" heading on), which a rerun keeps."""
    if path is None or not path.exists():
        return ""
    old = path.read_text(encoding="utf-8")
    return old[old.index(HISTORY):].rstrip() + "\n" if HISTORY in old else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, help="also write the figures to this markdown file")
    parser.add_argument("--cases", help="comma-separated substrings of case names to run (default: all)")
    parser.add_argument("--scales", default="1,2,4,8")
    parser.add_argument("--runs", type=int, default=3, help="runs per case and size; the median is reported")
    parser.add_argument("--memory", action="store_true", help="also add the plans repeated to 20 MB, once")
    parser.add_argument("--memory-mb", type=int, default=20, help="the size of that run (default: 20 MB)")
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
        version, fixed = _fixed_cost(work / "fixed")
        print(f"fixed cost: `registry --version` {version:.3f} s, add-plan of a one-sentence plan {fixed:.3f} s "
              "(medians of 3); ratios below are on the time minus this add-plan's", flush=True)
        lines = [f"| case | base size | {' | '.join(f'{s}× s' for s in scales)} | ratio per doubling (minus fixed cost) "
                 "| fitted ratio (minus fixed cost) | projects / targets / possible at 1× |",
                 "|---|---|" + "---|" * len(scales) + "---|---|---|"]
        fitted_all: dict[str, float] = {}
        bound: list[str] = []  # cases whose work at 1× is within the start-up's scatter
        for number, (name, (base, build)) in enumerate(cases):
            times, rows = [], None
            for scale in scales:
                where = work / f"case{number}" / f"x{scale}"
                if build is None:
                    seconds, found = _plans_repeated(where, scale, args.runs)
                else:
                    seconds, found = _time_case(where, build(base * scale), args.runs)
                times.append(seconds)
                rows = rows or found
                print(f"{name:40s} {scale:2d}×  {seconds:8.3f} s  {' / '.join(map(str, found))} projects / targets / "
                      "possible", flush=True)
                shutil.rmtree(where)
            net = [max(t - fixed, 1e-3) for t in times]
            ratios = [b / a for a, b in zip(net, net[1:])]
            fitted_all[name] = _fitted_ratio(scales, net)
            if times[0] - fixed < START_UP_BOUND:
                bound.append(name)
            size = (f"{plans_size / 1e6:.2f} MB (the {len(_documents())} plans of plans/)" if build is None
                    else f"{len(build(base)):,} chars")
            lines.append(f"| {name} | {size} | " + " | ".join(f"{t:.3f}" for t in times) + " | "
                         + ", ".join(f"{r:.2f}" for r in ratios) + f" | {fitted_all[name]:.2f}{'*' if name in bound else ''} | "
                         + " / ".join(map(str, rows)) + " |")
        memory = _memory_run(work / "memory", args.memory_mb) if args.memory else ""
    load_end, minutes = os.getloadavg()[0], (time.perf_counter() - clock) / 60
    print(f"load average (1 min) at the end: {load_end:.2f}", flush=True)
    measured = {name: ratio for name, ratio in fitted_all.items() if name not in bound}
    worst = max(measured, key=measured.get) if measured else ""
    report = "\n".join([
        "# Time of `registry add-plan` as the plan doubles",
        "",
        "Written by `python benchmarks/extract_scaling.py --memory --results benchmarks/EXTRACT_SCALING.md`.",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs shared with other engineers' work, Python "
        f"{platform.python_version()}; run of {started:%Y-%m-%d %H:%M}, {minutes:.0f} minutes; load average "
        f"(1 min) {load_start:.2f} at the start and {load_end:.2f} at the end.",
        "",
        "Each figure is the wall-clock time of the whole command `registry --root DIR add-plan FILE` (start-up, "
        "reading, extraction, targets, the recall net of possible projects, writing the files) into a fresh "
        f"registry folder, the median of {args.runs} runs. The command's fixed cost, add-plan of a one-sentence "
        f"plan, is {fixed:.3f} s (`registry --version`: {version:.3f} s; medians of 3); the ratios are computed on "
        "each time minus that fixed cost, since a constant flattens them towards 1.",
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
        _history(args.results),
    ]).rstrip() + "\n"
    print(report)
    if args.results:
        args.results.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
