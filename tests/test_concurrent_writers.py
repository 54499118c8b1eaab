"""Two writers on one registry folder: two reviewers of one plan keep each other's decisions, and two
plans' reviews applied at the same moment (two processes) both reach projects.csv, with distinct ids
and no row lost or doubled (registry/intake/files.py registry_lock)."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest
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


# ---------------------------------------------------------------- eight writers at once (issue 22, part 2)

REVIEWED = ("hebei_130000", "guangdong_440000", "jiangxi_360000", "hunan_430000")


def _shipped_registry_without(tmp_path, docs) -> tuple:
    """A copy of the shipped registry folder whose projects.csv and targets.csv lack the rows of `docs`: their
    review.json decisions are still there, so `review DOC --accept-all` adds those rows again, as shipped."""
    import csv

    root = tmp_path / "reg"
    shutil.copytree(ROOT / "plans", root / "plans")
    removed = {}
    for name in ("projects.csv", "targets.csv"):
        with open(ROOT / name, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            rows, columns = list(reader), reader.fieldnames
        removed[name] = [r for r in rows if r["source_doc"] in docs]
        with open(root / name, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(r for r in rows if r["source_doc"] not in docs)
    return root, removed


def _key(row: dict) -> tuple:
    return tuple(sorted(row.items()))


def test_eight_writers_at_once_lose_and_duplicate_nothing_and_the_build_succeeds(tmp_path):
    """Two reviews of one plan, three of other plans, the same source added twice and another plan added, all
    at the same moment (real CLI processes): every row exactly once, each command saying what it really added."""
    root, removed = _shipped_registry_without(tmp_path, REVIEWED)
    documents_before = read_rows(root / "plans" / "documents.csv")
    registry = shutil.which("registry", path=os.path.dirname(sys.executable)) or "registry"
    commands = [["review", REVIEWED[0], "--accept-all"], ["review", REVIEWED[0], "--accept-all"],
                *[["review", doc, "--accept-all"] for doc in REVIEWED[1:]],
                ["add-plan", str(EXAMPLES / "hongan_plan.txt")], ["add-plan", str(EXAMPLES / "hongan_plan.txt")]]
    commands.insert(3, ["add-plan", str(EXAMPLES / "macheng_plan.pdf"), "--doc-id", "macheng_421181"])
    assert len(commands) == 8
    runs = [subprocess.Popen([registry, "--root", str(root), *command], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for command in commands]
    outputs = [run.communicate(timeout=300) for run in runs]
    by_command = list(zip(commands, runs, outputs))

    # Reviews: every removed row back exactly once, byte for byte as shipped; ids unique.
    for name in ("projects.csv", "targets.csv"):
        rows = read_rows(root / name)
        back = [r for r in rows if r["source_doc"] in REVIEWED]
        assert sorted(map(_key, back)) == sorted(map(_key, removed[name])), name
    projects = read_rows(root / "projects.csv")
    assert len({r["id"] for r in projects}) == len(projects) == len(read_rows(ROOT / "projects.csv"))
    # ... and each said what it added: the two reviews of one plan add its rows once between them.
    added = {doc: 0 for doc in REVIEWED}
    for command, run, (stdout, stderr) in by_command:
        if command[0] == "review":
            assert run.returncode == 0, stderr
            added[command[1]] += int(re.search(r"added (\d+) projects", stdout).group(1))
    assert added == {doc: sum(r["source_doc"] == doc for r in removed["projects.csv"]) for doc in REVIEWED}

    # Adds: the same source twice is one document (the second refused in one line); no text without its row.
    hongan = [(run, out) for command, run, out in by_command if command[0] == "add-plan" and "hongan" in command[1]]
    assert sorted(run.returncode for run, _ in hongan) == [0, 1], hongan
    refusal = next(err for run, (_, err) in hongan if run.returncode == 1).strip().splitlines()
    assert len(refusal) == 1 and "already in the registry" in refusal[0], refusal
    documents = read_rows(root / "plans" / "documents.csv")
    assert [d["doc_id"] for d in documents[:len(documents_before)]] == [d["doc_id"] for d in documents_before]
    new_ids = sorted(d["doc_id"] for d in documents[len(documents_before):])
    assert new_ids == ["macheng_421181", "plan_421122"]
    assert sorted(p.name for p in (root / "plans").glob("*.txt")) == sorted(d["file"] for d in documents)

    build = subprocess.run([registry, "--root", str(root), "build", "--db", str(tmp_path / "registry.db")],
                           capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr


def test_a_build_reads_the_registry_under_the_writers_lock(tmp_path):
    """While a writer holds the folder's lock the build waits, so it never reads half of a review."""
    from filelock import FileLock

    root = _registry_with_two_plans(tmp_path)
    db = tmp_path / "registry.db"
    with FileLock(str(root / ".registry.lock")):
        build = subprocess.Popen([sys.executable, "-m", "registry.cli", "--root", str(root), "build", "--db", str(db)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        try:
            build.wait(timeout=2)
        except subprocess.TimeoutExpired:
            pass
        assert build.returncode is None and not db.exists(), "the build did not wait for the lock"
    _, stderr = build.communicate(timeout=120)
    assert build.returncode == 0 and db.exists(), stderr


# ---------------------------------------------------------------- a full disk, a read-only folder (issue 22, part 8)

def test_add_plan_and_review_on_a_full_disk_or_a_read_only_folder_say_one_line_and_change_nothing(tmp_path):
    from test_add_plan import snapshot
    from test_faults import assert_one_error_line, run, tmpfs

    from registry.intake.webreview import create_review_app
    from test_add_plan import HONGAN_PLAN

    small = _registry_with_two_plans(tmp_path)
    plan = tmp_path / "revised.txt"  # a revision of a plan there: a new plan, not a duplicate
    plan.write_text(HONGAN_PLAN.replace("2024年3月15日", "2024年9月1日"), encoding="utf-8")
    disk = tmp_path / "disk"
    with tmpfs(disk, 1024 * 1024) as mounted:
        if not mounted:
            pytest.skip("mounting a tmpfs is not permitted here")
        root = disk / "reg"
        shutil.copytree(small, root)
        filler = disk / "filler"
        with open(filler, "wb", buffering=0) as handle:  # fill the disk to its last block
            with pytest.raises(OSError, match="No space left"):
                while True:
                    handle.write(b"\0" * 4096)
        before = snapshot(root)
        for label, fault in (("full", "no space left on the device"), ("read-only", "Read-only file system")):
            if label == "read-only":
                filler.unlink()
                assert subprocess.run(["mount", "-o", "remount,ro", str(disk)]).returncode == 0
            result = run("--root", root, "add-plan", plan)
            assert_one_error_line(result, fault, "nothing was added, the registry folder is unchanged")
            result = run("--root", root, "review", "hongan_421122", "--accept-all")
            assert_one_error_line(result, fault, "nothing was added or saved")
            # The review page's accept: the page says so, nothing is written.
            client = create_review_app(root, "hongan_421122").test_client()
            html = client.get("/").get_data(as_text=True)
            token = re.search(r'name="token" value="([^"]+)"', html).group(1)
            keys = set(re.findall(r'name="((?:project|target):[^"|]+)\|decision"', html))
            assert keys
            answer = client.post("/", data={"token": token, "action": "apply", **{f"{k}|decision": "accept" for k in keys}},
                                 follow_redirects=True)
            assert "nothing was written, the registry is unchanged" in answer.get_data(as_text=True), label
            assert fault.lower() in answer.get_data(as_text=True).lower()
            assert snapshot(root) == before, label
