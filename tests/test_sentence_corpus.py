"""`registry add-plan CORPUS.json --entry NAME`: a plan rebuilt from a sentence-split corpus (a JSON file
of documents -> chapters -> sentences, as the public collection the provincial plans come from keeps
them). The rebuild restores only what the structure says and names what it lost."""
from __future__ import annotations

import json

from click.testing import CliRunner

from registry.cli import cli
from registry.intake.sentences import plan_from_corpus, rebuild

# Two plans in the corpus's form: chapter 空 (before the first chapter) and 一, 二 …; each sentence maps
# to its chapter's heading. The 甲 plan repeats a sentence in chapter 二 (a JSON object keeps one key)
# and skips heading 2 of chapter 二.
PREAMBLE = ("坚持节约优先，推动能源消费革命，加快构建清洁低碳安全高效的能源体系，持续提升能源利用效率，"
            "推动产业结构、能源结构、交通运输结构和用地结构调整优化，加快形成节约资源和保护环境的产业结构、"
            "生产方式、生活方式和空间格局，确保如期实现碳达峰目标，为实现碳中和奠定坚实基础，努力走出一条"
            "生态优先、绿色低碳的高质量发展道路，统筹处理好发展和减排、整体和局部、短期和中长期的关系")
CORPUS_TEXT = """{
 "甲省碳达峰实施方案.docx": {
  "空": {"甲省碳达峰实施方案": "无上级标题", "为做好碳达峰工作，制定本方案": "无上级标题",
         "PREAMBLE": "无上级标题"},
  "一": {"（一）主要目标": "总体要求", "到2025年，非化石能源消费比重达到20%": "总体要求"},
  "二": {"1．大力发展新能源": "重点任务", "加快推进甲乙抽水蓄能电站建设": "重点任务",
         "3．推进节能": "重点任务", "加快推进甲乙抽水蓄能电站建设": "重点任务"}
 },
 "乙市碳达峰行动方案.docx": {"空": {"乙市碳达峰行动方案": "无上级标题"}}
}""".replace("PREAMBLE", PREAMBLE)


def _corpus(tmp_path):
    path = tmp_path / "corpus.json"
    path.write_text(CORPUS_TEXT, encoding="utf-8")
    return path


def test_rebuild_puts_headings_on_lines_and_end_marks_back():
    plan = plan_from_corpus(CORPUS_TEXT.encode(), "corpus.json", "甲省")
    assert plan.text.splitlines() == [
        "甲省碳达峰实施方案",
        "为做好碳达峰工作，制定本方案。" + PREAMBLE + "。",
        "一、总体要求",
        "（一）主要目标",
        "到2025年，非化石能源消费比重达到20%。",
        "二、重点任务",
        "1．大力发展新能源",
        "加快推进甲乙抽水蓄能电站建设。",
        "3．推进节能",
    ]
    assert plan.title == "甲省碳达峰实施方案" and plan.repeated == 1
    assert "1 repeated sentence(s) kept once" in plan.note
    assert "numbered headings skip (chapter 二: 1→3)" in plan.note
    assert "quotation marks" in plan.note


def test_a_sentence_that_ends_in_a_mark_keeps_it():
    text = rebuild({"空": {"标题": "无上级标题", "甲、乙：": "无上级标题", "丙": "无上级标题"}}, "x").text
    assert text == "标题\n甲、乙：丙。\n"


def test_add_plan_takes_an_entry_and_says_what_is_lost(tmp_path):
    root = tmp_path / "reg"
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(root)]).exit_code == 0
    result = runner.invoke(cli, ["--root", str(root), "add-plan", str(_corpus(tmp_path)), "--entry", "甲省",
                                 "--area-code", "430000", "--doc-id", "jia_430000",
                                 "--source", "github:example/corpus corpus.json"])
    assert result.exit_code == 0, result.output
    assert "note: rebuilt from a sentence-split corpus" in result.output
    row = next(r for r in (root / "plans" / "documents.csv").read_text(encoding="utf-8").splitlines()[1:])
    assert "github:example/corpus corpus.json" in row and "end marks restored" in row
    assert (root / "plans" / "jia_430000.txt").read_text(encoding="utf-8").startswith("甲省碳达峰实施方案\n")
    assert "抽水蓄能电站" in (root / "plans" / "jia_430000.candidates.csv").read_text(encoding="utf-8")


def test_a_corpus_without_entry_or_with_a_bad_one_is_one_line_and_writes_nothing(tmp_path):
    root = tmp_path / "reg"
    runner = CliRunner()
    runner.invoke(cli, ["init", str(root)])
    before = sorted(p.name for p in (root / "plans").iterdir())
    corpus = str(_corpus(tmp_path))
    for args, words in (([], "choose one with --entry"), (["--entry", "丙"], "has no document '丙'"),
                        (["--entry", "碳达峰"], "has 2 documents matching")):
        result = runner.invoke(cli, ["--root", str(root), "add-plan", corpus, *args])
        assert result.exit_code == 1 and words in result.output and result.output.count("\n") == 1, result.output
    text = tmp_path / "plan.txt"
    text.write_text("甲省碳达峰实施方案\n" + "加快推进抽水蓄能电站建设。" * 40, encoding="utf-8")
    result = runner.invoke(cli, ["--root", str(root), "add-plan", str(text), "--entry", "甲省"])
    assert result.exit_code == 1 and "--entry chooses a document of a JSON sentence corpus" in result.output
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(["not", "a", "corpus"]) + "x", encoding="utf-8")
    result = runner.invoke(cli, ["--root", str(root), "add-plan", str(broken), "--entry", "x"])
    assert result.exit_code == 1 and "is not a JSON sentence corpus" in result.output
    assert sorted(p.name for p in (root / "plans").iterdir()) == before
