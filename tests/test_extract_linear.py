"""`registry extract` on the inputs that made extraction quadratic (issues 15, 22): right output, in bounded time.

No time is asserted (benchmarks/extract_scaling.py measures it). The command runs under a subprocess
timeout that the linear extractor meets with a wide margin (≈2 s, start-up included, for all three
files) and the quadratic one does not: the 20,000-digit run alone cost the quadratic `_TARGET`
about 3·10⁻⁶ s × N² ≈ 20 minutes (issue 22 measured 48.5 s at N = 4,000), 20× the timeout. The
sentence of 5,000 targets cost the quadratic year look-up ~9 s (×4 per doubling); it is here for
its output: every target gets its year and value.
"""
from __future__ import annotations

import csv
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# add-plan and extract refuse a text of fewer than 200 Chinese characters as not a plan
PREAMBLE = ("孝感市碳达峰实施方案\n为深入贯彻党中央、国务院关于碳达峰碳中和重大战略决策，扎实推进全市碳达峰工作，结合实际，"
            "制定本方案。以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大精神，深入贯彻习近平生态文明思想，落实"
            "省委、省政府部署安排，坚持稳中求进工作总基调，立足新发展阶段，完整、准确、全面贯彻新发展理念。\n")
TIMEOUT = 60
REPEATS = 1_000
ONE_CLAUSE_EACH = "甲乙比例稳步提升，比重达到1%，乙丙实现全覆盖，丁、戊分别达到1%、2%，具备5%以上的尖峰负荷响应能力，"
PLANS = {
    "digits": "推进甲乙、" + "1" * 20_000 + "光伏电站项目。",
    "numerals": "推进甲乙、" + "一" * 20_000 + "万千瓦光伏电站项目。",
    "targets": "到2025年，" + ONE_CLAUSE_EACH * REPEATS + "。",
}


def _rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_pathological_plans_through_the_command_give_the_right_rows(tmp_path):
    files = []
    for name, body in PLANS.items():
        files.append(tmp_path / f"{name}.txt")
        files[-1].write_text(PREAMBLE + body, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "registry", "extract", *map(str, files), "-o", "projects.csv",
                           "--targets", "targets.csv", "--area-code", "420900", "--no-progress"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert done.returncode == 0, done.stderr
    projects, targets = _rows(tmp_path / "projects.csv"), _rows(tmp_path / "targets.csv")
    # a run of digits or numerals is no capacity and no target: the project around it is found whole
    assert [(p["source_doc"], p["name"], p["type"], p["capacity_mw"]) for p in projects] == [
        ("digits_420900", "甲乙光伏电站项目", "solar_pv", ""), ("numerals_420900", "甲乙光伏电站项目", "solar_pv", "")]
    text = (tmp_path / "digits.txt").read_text(encoding="utf-8")
    assert text[int(projects[0]["source_start"]):int(projects[0]["source_end"])].endswith("1光伏电站项目")
    # one sentence of 5,000 targets: every clause's target once, each with the sentence's year
    assert {t["source_doc"] for t in targets} == {"targets_420900"}
    assert Counter((t["metric"], t["value"], t["year"]) for t in targets) == {
        ("甲乙比重", "1", "2025"): REPEATS, ("乙丙覆盖", "100", "2025"): REPEATS, ("丁", "1", "2025"): REPEATS,
        ("戊", "2", "2025"): REPEATS, ("尖峰负荷响应能力", "5", "2025"): REPEATS}
    plan = (tmp_path / "targets.txt").read_text(encoding="utf-8")
    starts = [int(t["source_start"]) for t in targets]
    assert starts == sorted(starts) and len(set(zip(starts, (t["metric"] for t in targets)))) == len(targets)
    assert plan[starts[-1]:int(targets[-1]["source_end"])] == "5%以上的尖峰负荷响应能力"
