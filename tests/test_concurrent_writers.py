"""Two writers on one registry folder: two reviewers of one plan keep each other's decisions, and two
plans' reviews applied at the same moment (two processes) both reach projects.csv, with distinct ids
and no row lost or doubled (registry/intake/files.py registry_lock)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from click.testing import CliRunner

from conftest import ROOT, read_rows
from registry.cli import cli

EXAMPLES = ROOT / "docs" / "example"


def _registry_with_two_plans(tmp_path):
    root = tmp_path / "reg"
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(root)]).exit_code == 0
    for source, doc_id in ((EXAMPLES / "macheng_plan.pdf", "macheng_421181"), (EXAMPLES / "hongan_plan.txt", "hongan_421122")):
        result = runner.invoke(cli, ["--root", str(root), "add-plan", str(source), "--doc-id", doc_id])
        assert result.exit_code == 0, result.output
    return root


def test_two_reviewers_of_one_plan_keep_each_others_decisions(tmp_path):
    from registry.intake import Review

    root = _registry_with_two_plans(tmp_path)
    first, second = Review(root, "macheng_421181"), Review(root, "macheng_421181")  # both read the file now
    a, b = first.pending()[0], second.pending()[1]
    first.decide(a, "accept")
    second.decide(b, "reject")  # saved after the first: must not drop the first's decision
    saved = json.loads((root / "plans" / "macheng_421181.review.json").read_text(encoding="utf-8"))
    assert saved[a.key]["decision"] == "accept" and saved[b.key]["decision"] == "reject"


def test_two_plans_applied_at_once_lose_no_row(tmp_path):
    root = _registry_with_two_plans(tmp_path)
    env = {**os.environ, "REGISTRY_ROOT": str(root)}
    registry = shutil.which("registry", path=os.path.dirname(sys.executable)) or "registry"
    runs = [subprocess.Popen([registry, "review", doc, "--accept-all"], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for doc in ("macheng_421181", "hongan_421122")]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    candidates = sum(len(read_rows(root / "plans" / f"{doc}.candidates.csv")) for doc in ("macheng_421181", "hongan_421122"))
    rows = read_rows(root / "projects.csv")
    assert len(rows) == candidates and len({r["id"] for r in rows}) == len(rows)
    assert {r["source_doc"] for r in rows} == {"macheng_421181", "hongan_421122"}


def test_a_writer_that_cannot_get_the_lock_says_so_in_one_line(tmp_path):
    from filelock import FileLock

    root = _registry_with_two_plans(tmp_path)
    before = (root / "projects.csv").read_bytes()
    holder = FileLock(str(root / ".registry.lock"))
    with holder:  # another process's lock, as far as a fresh process can tell
        script = ("import sys; from pathlib import Path; from registry.intake.files import registry_lock, RegistryBusy\n"
                  "try:\n    with registry_lock(Path(sys.argv[1]), wait=0.5): pass\n"
                  "except RegistryBusy as exc:\n    print(exc); sys.exit(1)\n")
        result = subprocess.run([sys.executable, "-c", script, str(root)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "another command has been writing" in result.stdout
    assert (root / "projects.csv").read_bytes() == before
