"""Review beyond the extractor's candidates: a passage it missed added as a project, candidates merged
and split, the recall net's possible projects, the counts of `review --summary`, and every refusal.

The plan is ours, in the plans' style, with one project the rules give no candidate for (a name
with no head word: 觅儿寺镇𠮷祥村集中式光伏和储能示范) and a character outside the BMP (𠮷) before
it and inside it, so an offset counted in UTF-16 units instead of code points would show. What the
tests expect comes from this text (Python's str.find), never from the code under test.
"""
from __future__ import annotations

import csv
import io
import json
import re
from html import unescape
from pathlib import Path

import pytest

from conftest import read_rows
from test_add_plan import cli, snapshot

MISSED = "觅儿寺镇𠮷祥村集中式光伏和储能示范"
PLAN = """红安县人民政府关于印发红安县碳达峰实施方案的通知

红政发〔2024〕3号

各乡镇人民政府，县政府各部门：

现将《红安县碳达峰实施方案》印发给你们，请认真贯彻执行。

红安县碳达峰实施方案

为全面贯彻党中央、国务院关于碳达峰碳中和的决策部署，落实省、市碳达峰工作要求，结合我县实际（含𠮷祥村等试点村），制定本方案。

一、主要目标

到2025年，全县非化石能源消费比重达到22%，新能源装机容量达到60万千瓦。

二、重点任务

（一）能源绿色低碳转型行动

大力发展可再生能源。加快推进红安县七里坪镇100MW农光互补光伏电站项目建设，力争2025年建成并网。有序推进红安县天台山风电场二期项目前期工作。推进华家河镇生物质热电联产项目建设，建设县城集中供热管网。重点推进""" + MISSED + """，装机规模2万千瓦，力争2025年建成。

（二）循环经济助力降碳行动

加快建设红安县城关镇生活垃圾焚烧发电项目、红安县杏花乡餐厨垃圾资源化利用项目。

三、保障措施

各乡镇、各部门要切实加强组织领导，压实工作责任，确保各项任务落到实处。

红安县人民政府

2024年3月15日
"""
DOC = "hongan_421122"
START = PLAN.index(MISSED)
END = START + len(MISSED)  # code points, as Python counts; the text has 𠮷 before and inside the passage


@pytest.fixture()
def root_folder(tmp_path) -> Path:
    """An empty registry folder (registry init)."""
    from registry.rows.root import init_registry

    return init_registry(tmp_path / "registry")


def added_plan(tmp_path: Path, root: Path) -> Path:
    plan = tmp_path / "hongan.txt"
    plan.write_text(PLAN, encoding="utf-8")
    result = cli("--root", str(root), "add-plan", str(plan), "--doc-id", DOC)
    assert result.exit_code == 0, result.output
    return plan


def review(root: Path, *args, input: str | None = None):
    return cli("--root", str(root), "review", DOC, *args, input=input)


def test_passage_fields_come_from_the_extractors_parsers():
    from registry.extract.passage import PassageError, passage_row

    document = {"doc_id": DOC, "city_code": "421122"}
    # The reviewer's selection with the comma after it: trimmed to the words.
    assert PLAN[END] == "，"
    row = passage_row(PLAN, START, END + 1, document)
    assert (row["source_start"], row["source_end"], row["name"]) == (START, END, MISSED)
    assert (row["type"], row["capacity_mw"], row["capacity_text"]) == ("solar_pv", 20.0, "2万千瓦")  # 装机规模2万千瓦 after it
    assert (row["stage"], row["target_year"], row["town"], row["county"], row["city"]) == (
        "construction", 2025, "觅儿寺镇", "红安县", "黄冈市")
    assert row["source_section"] == "（一）能源绿色低碳转型行动"
    # An item of a list takes its type from the clause's shared head; a phase from its words (a province plan).
    jiangxi = Path(__file__).resolve().parents[2] / "shared" / "dev-plans" / "jiangxi" / "plan.txt"
    if jiangxi.is_file():
        text = jiangxi.read_text(encoding="utf-8")
        at = text.index("瑞金二期")
        item = passage_row(text, at, at + 4, {"doc_id": "jiangxi_360000", "city_code": "360000"})
        assert (item["type"], item["phase"], item["county"], item["city"]) == ("thermal", "二期", "瑞金市", "赣州市")
    for start, end, says in ((END, START, "ends before it starts"), (len(PLAN) - 2, len(PLAN) + 5, "outside the plan's text"),
                             (PLAN.index("，装机"), PLAN.index("，装机") + 1, "only blanks and punctuation"),
                             (0, 400, "characters long")):
        with pytest.raises(PassageError, match=says):
            passage_row(PLAN, start, end, document)


def test_terminal_review_adds_what_the_extractor_missed_then_build_and_export(tmp_path, root_folder):
    """The done-when through the terminal: the net lists the sentence, --add makes the passage a
    project, accepted it is written with its offsets, built, and exported."""
    added = cli("--root", str(root_folder), "add-plan", str(_write(tmp_path)), "--doc-id", DOC)
    assert added.exit_code == 0, added.output
    candidates = read_rows(root_folder / "plans" / f"{DOC}.candidates.csv")
    assert not any("觅儿寺" in c["name"] for c in candidates), "the extractor now proposes it: pick another miss"
    assert re.search(r"^\d+ possible projects? the rules were unsure of", added.output, re.M)
    possible = read_rows(root_folder / "plans" / f"{DOC}.possible.csv")
    first = possible[0]  # the missed project's sentence is ranked first
    assert int(first["source_start"]) <= START and END <= int(first["source_end"]) and first["rank"] == "1"
    assert PLAN[int(first["suggest_start"]):int(first["suggest_end"])] in MISSED

    listed = review(root_folder, "--possible")
    assert listed.exit_code == 0 and f"--add {first['suggest_start']}:{first['suggest_end']}" in listed.output

    # The words given as text (found once in the plan); the interactive confirm edits a field, then accepts.
    made = review(root_folder, "--add", MISSED, input="e\nsubtype\n光储示范\na\n")
    assert made.exit_code == 0, made.output
    assert f"[{START}:{END}]" in made.output and f"saved added:{START}:{END} as accepted" in made.output
    row = next(r for r in read_rows(root_folder / "projects.csv") if r["name"] == MISSED)
    assert (row["source_start"], row["source_end"], row["source_doc"]) == (str(START), str(END), DOC)
    assert (row["type"], row["subtype"], row["capacity_mw"], row["town"], row["precision"]) == (
        "solar_pv", "光储示范", "20", "觅儿寺镇", "town")
    saved = json.loads((root_folder / "plans" / f"{DOC}.review.json").read_text(encoding="utf-8"))
    assert saved[f"added:{START}:{END}"]["id"] == row["id"]
    assert saved[f"possible:{first['source_start']}:{first['source_end']}"] == {"decision": "added", "as": f"added:{START}:{END}"}

    # The same passage again is refused, naming the row already there; by offsets too.
    again = review(root_folder, "--add", f"{START}:{END}", "--yes")
    assert again.exit_code == 1 and f"{row['id']} in projects.csv" in again.output

    built = cli("--root", str(root_folder), "build")
    assert built.exit_code == 0, built.output
    exported = cli("--root", str(root_folder), "export", "--format", "csv")
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(exported.output))}
    assert (rows[MISSED]["source_start"], rows[MISSED]["source_end"]) == (str(START), str(END))
    assert PLAN[int(rows[MISSED]["source_start"]):int(rows[MISSED]["source_end"])] == MISSED


def _write(tmp_path: Path) -> Path:
    plan = tmp_path / "hongan.txt"
    plan.write_text(PLAN, encoding="utf-8")
    return plan


def _occurrences(words: str) -> list[str]:
    return [f"{m.start()}:{m.end()}" for m in re.finditer(re.escape(words), PLAN)]


REFUSALS = [
    (("--add", f"{len(PLAN) - 3}:{len(PLAN) + 40}", "--yes"), "outside the plan's text"),
    (("--add", f"{END}:{START}", "--yes"), "ends before it starts"),
    (("--add", "红安县海上风电场", "--yes"), "is not in the text of"),
    (("--add", "项目", "--yes"), "occurs " + str(len(_occurrences("项目"))) + " times in hongan_421122, at "
     + ", ".join(_occurrences("项目")[:10])),
    (("--add", "红安县七里坪镇100MW农光互补光伏电站", "--yes"), "repeats 红安县七里坪镇100MW农光互补光伏电站项目"),
    (("--add", MISSED, "--capacity-mw", "-5", "--yes"), "capacity_mw"),
    (("--add", MISSED, "--type", "spaceship", "--yes"), "unknown type 'spaceship'"),
    (("--add", MISSED, "--target-year", "next year", "--yes"), "target_year"),
    (("--merge", "project:hongan-001", "--yes"), "two or more candidates"),
    (("--merge", "project:hongan-001,project:nope", "--yes"), "no project candidate 'project:nope'"),
    (("--split", "project:hongan-003", "--at", "风电", "--yes"), "is not in the words of project:hongan-003"),
    (("--split", "project:hongan-003", "--at", "9999", "--yes"), "is not inside project:hongan-003"),
    (("--split", "project:hongan-003", "--yes"), "give where project:hongan-003 is cut"),
    (("--undo", "project:hongan-001"), "is not a row made in review"),
    (("--dismiss", "99"), "no possible project '99'"),
    (("--possible", "--list"), "cannot be given together"),
    (("--type", "wind"), "set the fields of the rows --add"),
]


@pytest.mark.parametrize("args, says", REFUSALS, ids=[" ".join(a)[:40] for a, _ in REFUSALS])
def test_each_refusal_is_one_line_and_changes_nothing(tmp_path, root_folder, args, says):
    added_plan(tmp_path, root_folder)
    before = snapshot(root_folder)
    result = review(root_folder, *args)
    assert result.exit_code == 1, result.output
    assert result.output.startswith("error: ") and says in result.output, result.output
    assert result.output.count("\n") == 1 and "Traceback" not in result.output
    assert snapshot(root_folder) == before


def test_a_plan_whose_area_cannot_be_read_asks_for_area_code_and_writes_nothing(tmp_path, root_folder):
    plan = tmp_path / "plan.txt"
    # A plan that names no province, city or county (its title neither): a draft passed round without its cover.
    body = PLAN[PLAN.index("为全面贯彻"):PLAN.index("红安县人民政府\n\n2024")]
    for place in ("红安县", "七里坪镇", "天台山", "华家河镇", "觅儿寺镇", "城关镇", "杏花乡", "县城"):
        body = body.replace(place, "")
    plan.write_text("碳达峰实施方案\n\n" + body, encoding="utf-8")
    before = snapshot(root_folder)
    refused = cli("--root", str(root_folder), "add-plan", str(plan))
    assert refused.exit_code == 1 and refused.output.count("\n") == 1
    assert refused.output.startswith("error: ") and "--area-code" in refused.output
    assert snapshot(root_folder) == before
    accepted = cli("--root", str(root_folder), "add-plan", str(plan), "--area-code", "421122")
    assert accepted.exit_code == 0, accepted.output
    assert read_rows(root_folder / "plans" / "documents.csv")[0]["city"] == "红安县"


def test_merge_split_undo_dismiss_and_the_summary(tmp_path, root_folder):
    added_plan(tmp_path, root_folder)
    waste, food = PLAN.index("红安县城关镇生活垃圾焚烧发电项目"), PLAN.index("红安县杏花乡餐厨垃圾资源化利用项目")
    food_end = food + len("红安县杏花乡餐厨垃圾资源化利用项目")

    # Two candidates of one sentence merge into one row over both (nothing ends a sentence between them).
    merged = review(root_folder, "--merge", "project:hongan-004,project:hongan-005", "--name", "红安县城关镇固废处置项目",
                    input="a\n")
    assert merged.exit_code == 0 and f"saved merged:{waste}:{food_end} as accepted" in merged.output, merged.output
    # Two of different sentences merge into the first's span; the second's span is kept in the record.
    far = review(root_folder, "--merge", "project:hongan-002,project:hongan-001", input="k\n")  # kept undecided
    assert far.exit_code == 0 and "undecided" in far.output, far.output
    first = PLAN.index("红安县七里坪镇100MW")
    first_end = first + len("红安县七里坪镇100MW农光互补光伏电站项目")
    saved = json.loads((root_folder / "plans" / f"{DOC}.review.json").read_text(encoding="utf-8"))
    record = saved[f"merged:{first}:{first_end}"]
    assert record["from"] == ["project:hongan-001", "project:hongan-002"] and len(record["spans"]) == 2
    assert saved["project:hongan-002"]["decision"] == "merged" and saved["project:hongan-002"]["into"] == [f"merged:{first}:{first_end}"]
    # ... taken back: the two candidates are undecided again (the first merge is in the registry already).
    undone = review(root_folder, "--undo", f"merged:{first}:{first_end}")
    assert undone.exit_code == 0, undone.output
    refused = review(root_folder, "--undo", f"merged:{waste}:{food_end}")
    assert refused.exit_code == 1 and "is in projects.csv already" in refused.output
    saved = json.loads((root_folder / "plans" / f"{DOC}.review.json").read_text(encoding="utf-8"))
    assert "project:hongan-001" not in saved and "project:hongan-002" not in saved

    # One candidate split at the words its second part starts with: two rows, each its own sub-span.
    cut = PLAN.index("生物质热电联产项目")
    split = review(root_folder, "--split", "project:hongan-003", "--at", "生物质", "--yes")
    assert split.exit_code == 0, split.output
    parts = {r["name"]: r for r in read_rows(root_folder / "projects.csv") if r["name"] in ("华家河镇", "生物质热电联产项目")}
    assert (parts["华家河镇"]["source_start"], parts["华家河镇"]["source_end"]) == (str(cut - 4), str(cut))
    assert (parts["生物质热电联产项目"]["source_start"], parts["生物质热电联产项目"]["source_end"]) == (str(cut), str(cut + 9))
    assert parts["华家河镇"]["type"] == parts["生物质热电联产项目"]["type"] == "biomass"  # the part's words give none: the candidate's

    dismissed = review(root_folder, "--dismiss", "1")
    assert dismissed.exit_code == 0 and "dismissed possible project #1" in dismissed.output
    rejected = review(root_folder, input="a\nr\nr\nr\n")  # hongan-001 accepted, -002 and the two targets rejected
    assert rejected.exit_code == 0, rejected.output

    summary = review(root_folder, "--summary")
    header, line = summary.output.splitlines()[:2]
    counts = dict(zip(header.split()[1:], map(int, line.split()[1:])))
    possible = len(read_rows(root_folder / "plans" / f"{DOC}.possible.csv"))
    # 5 proposed: 001 accepted, 002 rejected, 004+005 merged into one row, 003 split into two; 4 rows in the registry.
    assert counts == {"proposed": 5, "accepted": 1, "edited": 0, "rejected": 1, "undecided": 0, "merged": 2, "split": 1,
                      "added": 0, "merged→": 1, "split→": 2, "in-registry": 4, "possible": possible, "open": possible - 1}
    every_plan = cli("--root", str(root_folder), "review", "--summary")
    assert every_plan.exit_code == 0 and every_plan.output.splitlines()[1] == line


def test_the_review_page_adds_merges_splits_without_the_script(tmp_path, root_folder):
    """The form alone (no script): words typed into the add form, the fields read from them; the
    JSON endpoint the script uses counts code points; bad input is named and stores nothing."""
    from registry.intake.webreview import create_review_app

    added_plan(tmp_path, root_folder)
    client = create_review_app(root_folder, DOC).test_client()
    html = client.get("/").get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    # The text's segments carry raw offsets; each segment's words are the plan's words at those offsets.
    segments = re.findall(r'<span data-s="(\d+)" data-e="(\d+)"[^>]*>([^<]*)</span>', html)
    assert [(int(s), int(e), unescape(text)) for s, e, text in segments] == [
        (int(s), int(e), PLAN[int(s):int(e)]) for s, e, _ in segments]
    assert "".join(unescape(text) for _, _, text in segments) == PLAN
    assert "可能遗漏的项目" in html and "prefill|" in html
    # Chinese first, the column's own name beside it, from the registry's one vocabulary (registry.rows.labels).
    from registry.intake.webreview import PROJECT_FIELDS
    from registry.rows.labels import FIELDS, STAGE_LABELS
    labelled = re.findall(r'<label><span class="field-name">([^<]+) <span class="en">(\w+)</span></span>\s*'
                          r'<(?:input|select) name="add\|(\w+)"', html)
    assert labelled == [(FIELDS[field][1], field, field) for field in PROJECT_FIELDS]
    assert labelled[0][:2] == ("名称", "name") and all(re.match(r"[\u4e00-\u9fff]", zh) for zh, _, _ in labelled)
    stage_options = re.findall(r'<option value="([a-z-]+)">([^<]+)</option>',
                               html.split('name="add|stage"')[1].split("</select>")[0])
    assert stage_options == [(code, f"{STAGE_LABELS[code][1]} {code}") for code in STAGE_LABELS]
    assert ("construction", "在建 construction") in stage_options
    assert "项目候选 5 个：采纳 0 个（其中修改 0 个），不采纳 0 个，待定 5 个" in html and "可能遗漏的项目 1 处，未处理 1 处" in html
    assert "直接采纳 accept at once" in html and "添加遗漏的项目" in html.split("</legend>")[0]
    assert re.search(r"<legend>1\. 项目 project", html) and ">保存 Save decisions</button>" in html

    answer = client.get(f"/passage?start={START}&end={END + 1}").get_json()
    assert (answer["start"], answer["end"], answer["text"]) == (START, END, MISSED)
    assert answer["row"]["type"] == "solar_pv" and answer["row"]["capacity_mw"] == "20" and answer["problem"] is None
    assert client.get(f"/passage?start=0&end={len(PLAN) + 9}").status_code == 400
    assert re.match(r"不能添加 cannot add — .*occurs", client.get("/passage?words=项目").get_json()["error"])
    assert client.get("/", headers={"Host": "attacker.example"}).status_code == 403  # no DNS rebinding

    before = snapshot(root_folder)
    assert client.post("/", data={"action": "add", "add|passage": MISSED}).status_code == 400  # no token
    bad = client.post("/", data={"token": token, "action": "add", "add|passage": MISSED, "add|capacity_mw": "lots"})
    assert bad.status_code == 422 and "capacity_mw" in bad.get_data(as_text=True)
    assert re.search(r'role="alert">未作任何更改 nothing was changed — [^<]*capacity_mw', bad.get_data(as_text=True))
    assert bad.get_data(as_text=True).count("nothing was changed") == 1  # said once, Chinese first
    assert snapshot(root_folder) == before
    prefilled = client.get(f"/?add={START}:{END}").get_data(as_text=True)
    assert f'value="{START}:{END}"' in prefilled and f'value="{MISSED}"' in prefilled  # the no-script "add as a project"

    made = client.post("/", data={"token": token, "action": "add", "add|passage": MISSED, "add|decision": "accept"},
                       follow_redirects=True)
    assert f"已添加 added added:{START}:{END}" in made.get_data(as_text=True)
    merged = client.post("/", data={"token": token, "action": "merge", "merge": ["project:hongan-004", "project:hongan-005"]},
                         follow_redirects=True)
    assert re.search(r"已合并 2 个候选为 merged:\S+ merged 2 candidates", merged.get_data(as_text=True))
    assert "合并所得 merged" in merged.get_data(as_text=True)  # the merged row's card says where it came from
    split = client.post("/", data={"token": token, "action": "split|project:hongan-003", "split|project:hongan-003": "生物质"},
                        follow_redirects=True)
    assert "已拆分 project:hongan-003 为 2 行 split project:hongan-003 into 2 rows" in split.get_data(as_text=True)
    merged_key = next(key for key in json.loads((root_folder / "plans" / f"{DOC}.review.json").read_text(encoding="utf-8"))
                      if key.startswith("merged:"))
    undone = client.post("/", data={"token": token, "action": f"undo|{merged_key}"}, follow_redirects=True)
    assert f"已撤销 took back {merged_key}" in undone.get_data(as_text=True)
    prefill = client.post("/", data={"token": token, "action": f"prefill|{START}:{END}"})
    assert prefill.status_code == 302 and prefill.headers["Location"].endswith("#add") and f"add={START}" in prefill.headers["Location"]
    applied = client.post("/", data={"token": token, "action": "apply"}, follow_redirects=True)
    # Only the accepted one; merge and split left undecided.
    assert "已入库 1 个项目、0 个目标，请运行 `registry build` added 1 projects" in applied.get_data(as_text=True)
    assert "已入库 1 个" in re.search(r'id="summary">([^<]*)', applied.get_data(as_text=True)).group(1)
    assert [r["name"] for r in read_rows(root_folder / "projects.csv")] == [MISSED]
    saved = json.loads((root_folder / "plans" / f"{DOC}.review.json").read_text(encoding="utf-8"))
    assert {key.split(":")[0] for key in saved} == {"added", "split", "possible", "project"}  # the merge taken back
    assert "project:hongan-004" not in saved and saved["project:hongan-003"]["decision"] == "split"
    possible_key = next(key for key in saved if key.startswith("possible:"))
    assert saved[possible_key] == {"decision": "added", "as": f"added:{START}:{END}"}  # the added passage lies in it
    dismissed = client.post("/", data={"token": token, "action": f"dismiss|{possible_key}"}, follow_redirects=True)
    assert "was added as" in dismissed.get_data(as_text=True)  # an added one is not dismissed; nothing changes
    assert "未作任何更改 nothing was changed — " in dismissed.get_data(as_text=True)
